import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeArtifactFile } from '../../src/artifacts/artifact-files.ts';
import { insertArtifact } from '../../src/artifacts/artifacts.repository.ts';
import { insertBaseline, insertBaselineEntry } from '../../src/baselines/baselines.repository.ts';
import { getBatch } from '../../src/batches/batches.service.ts';
import { claimExecution } from '../../src/runs/executions.repository.ts';
import { estimateRun } from '../../src/runs/launch-run.ts';
import type { Execution, Run } from '../../src/runs/run.schema.ts';
import { nowIso } from '../../src/shared/clock.ts';
import { createTestApp, dialects, type TestApp } from '../support/test-app.ts';
import { createBatch, injectClient, type SceneClient } from '../support/scene-client.ts';

// The run lifecycle at the database and API level, on both dialects. The run engine is not
// started, so executions stay where the test puts them; no browser is involved.

const site = 'http://127.0.0.1:9';
/** A claim as a worker elsewhere would hold it (no engine runs in these tests). */
const testLease = { owner: 'test-worker', until: '2999-01-01T00:00:00.000Z' };

describe.each(dialects)('runs API on %s', (dialect) => {
  let t: TestApp;
  let api: SceneClient;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    api = injectClient(t.server);
  });
  afterAll(() => t.close());

  async function deliveries(projectId: string): Promise<string[]> {
    const rows = await t.app.db
      .selectFrom('webhook_deliveries')
      .innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id')
      .select('webhook_deliveries.event_type')
      .where('webhooks.project_id', '=', projectId)
      .orderBy('webhook_deliveries.created_at')
      .execute();
    return rows.map((r) => r.event_type);
  }

  async function auditOf(entityId: string): Promise<string[]> {
    const page = await api.ok<{ items: { action: string; entityType: string }[] }>(
      'GET',
      `/audit?entityId=${entityId}`,
    );
    return page.items.map((e) => `${e.entityType}:${e.action}`);
  }

  it('counts element cells in the estimate and the launch log as the run expands them', async () => {
    const { batchId } = await createBatch(api, {
      pages: [
        {
          name: 'home',
          url: `${site}/`,
          capture: { scope: 'elements', selectors: ['#title', '#ad-slot', 'footer'] },
        },
        { name: 'about', url: `${site}/about` },
      ],
      viewports: ['desktop', 'mobile'],
    });
    const estimate = await estimateRun(t.app.db, await getBatch(t.app.db, batchId));
    const run = await api.launchRun(batchId, { mode: 'baseline' });
    const executions = await api.listExecutions(run.id);
    // (3 selectors + 1 page) × 1 browser × 2 viewports.
    expect(executions).toHaveLength(8);
    expect(estimate).toMatchObject({ cells: 8, captures: 4 });
    expect(run.summary.total).toBe(estimate.cells);
    const log = await api.runLog(run.id);
    expect(log[0]?.message).toContain(
      '8 execution(s) = 2 page(s) × 1 task state(s) → 4 capture(s) with element selectors × 1 browser(s) × 2 viewport(s)',
    );
  });

  it('expands the matrix into queued executions and queues them', async () => {
    const { batchId, pageIds, taskIds } = await createBatch(api, {
      pages: [
        { name: 'home', url: `${site}/` },
        { name: 'about', url: `${site}/about` },
      ],
      tasks: [{ name: 'menu' }, { name: 'form' }],
      viewports: ['desktop', 'mobile'],
      jiraIssue: 'SCN-1',
    });
    const waitingBefore = t.app.queue.stats().waiting;
    const run = await api.launchRun(batchId, { mode: 'baseline' });
    expect(run).toMatchObject({
      batchId,
      mode: 'baseline',
      status: 'queued',
      jiraIssue: 'SCN-1',
      summary: { total: 8, queued: 8, finished: 0, diffLevel: null },
    });
    expect(run.baselineId).toBeDefined();
    expect(t.app.queue.stats().waiting - waitingBefore).toBe(8);

    const executions = await api.listExecutions(run.id);
    expect(executions.map((e) => e.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(executions[0]).toMatchObject({
      pageId: pageIds[0],
      pageName: 'home',
      taskId: taskIds[0],
      taskName: 'menu',
      browser: 'chromium',
      viewport: { name: 'desktop', width: 1280, height: 800 },
      status: 'queued',
      attempt: 0,
      matrixKey: `${pageIds[0]}|${taskIds[0]}|chromium|desktop`,
      artifacts: {},
    });
    expect(executions[1]?.viewport.name).toBe('mobile');
    expect(executions[7]).toMatchObject({ pageName: 'about', taskName: 'form' });

    const baseline = await api.ok<{ id: string; sourceRunId: string; entries: number }>(
      'GET',
      `/baselines/${run.baselineId ?? ''}`,
    );
    expect(baseline).toMatchObject({ sourceRunId: run.id, entries: 0 });
    expect(await auditOf(run.id)).toEqual(['run:create']);

    const log = await api.runLog(run.id);
    expect(log[0]).toMatchObject({ kind: 'queued', level: 'info' });
    expect(log[0]?.message).toMatch(/8 execution\(s\) = 2 page\(s\) × 2 task state\(s\)/);

    expect((await estimateRun(t.app.db, await getBatch(t.app.db, batchId))).cells).toBe(8);

    const overridden = await api.launchRun(batchId, { mode: 'baseline', jiraIssue: 'OTHER-7' });
    expect(overridden.jiraIssue).toBe('OTHER-7');
    const cleared = await api.launchRun(batchId, { mode: 'baseline', jiraIssue: null });
    expect(cleared).not.toHaveProperty('jiraIssue');

    const listed = await api.ok<{ items: Run[] }>(
      'GET',
      `/runs?batchId=${batchId}&jiraIssue=OTHER-7`,
    );
    expect(listed.items.map((r) => r.id)).toEqual([overridden.id]);
    const queued = await api.ok<{ items: Run[] }>(
      'GET',
      `/runs?batchId=${batchId}&status=queued&limit=2`,
    );
    expect(queued.items.map((r) => r.id)).toEqual([cleared.id, overridden.id]);
    expect(queued.items[0]?.summary.total).toBe(8);
    // Clean up for the other tests: nothing in this file runs executions.
    for (const id of [run.id, overridden.id, cleared.id]) {
      await api.ok('POST', `/runs/${id}/cancel`);
    }
  });

  it('rejects bad launches with a clear error and changes nothing', async () => {
    const { batchId, projectId } = await createBatch(api, {
      pages: [{ name: 'p', url: `${site}/` }],
    });
    const cases: [unknown, number, RegExp][] = [
      [{ mode: 'compare' }, 422, /has no baseline yet: launch a run with mode "baseline" first/],
      [{ mode: 'record' }, 400, /mode/],
      [{ mode: 'baseline', baselineId: 'abc' }, 422, /baselineId applies to compare runs/],
      [
        { mode: 'compare', baselineId: 'zzzz' },
        422,
        /no baseline of batch .* starting with 'zzzz'/,
      ],
      [{ mode: 'compare', baselineId: 'a%' }, 422, /not a baseline id/],
      [{ mode: 'baseline', jiraIssue: 'nope' }, 400, /JIRA issue key/],
      [{ mode: 'baseline', extra: 1 }, 400, /extra/],
    ];
    for (const [payload, status, message] of cases) {
      const response = await api.request<{ error: { message: string } }>(
        'POST',
        `/batches/${batchId}/runs`,
        payload,
      );
      expect(response.status, JSON.stringify(payload)).toBe(status);
      expect(response.body.error.message).toMatch(message);
    }
    expect((await api.request('POST', '/batches/nope/runs', { mode: 'baseline' })).status).toBe(
      404,
    );
    const runs = await api.ok<{ items: Run[] }>('GET', `/runs?projectId=${projectId}`);
    expect(runs.items).toEqual([]);
  });

  it('resolves a baseline by full id or unique prefix; ambiguous prefixes list the candidates', async () => {
    const { batchId, projectId } = await createBatch(api, {
      pages: [{ name: 'p', url: `${site}/` }],
    });
    const other = await createBatch(api, { pages: [{ name: 'p', url: `${site}/` }] });
    const stamp = Math.random().toString(36).slice(2, 8);
    const ids = [`${stamp}aa111`, `${stamp}aa222`, `${stamp}bb333`];
    const now = nowIso();
    for (const id of ids) {
      await insertBaseline(t.app.db, {
        id,
        projectId,
        batchId,
        sourceRunId: null,
        createdAt: now,
        updatedAt: now,
      });
    }
    const foreign = `${stamp}cc444`;
    await insertBaseline(t.app.db, {
      id: foreign,
      projectId: other.projectId,
      batchId: other.batchId,
      sourceRunId: null,
      createdAt: now,
      updatedAt: now,
    });

    const ambiguous = await api.request<{
      error: { message: string; details: { candidates: { id: string }[] } };
    }>('POST', `/batches/${batchId}/runs`, { mode: 'compare', baselineId: `${stamp}aa` });
    expect(ambiguous.status).toBe(422);
    expect(ambiguous.body.error.message).toMatch(/ambiguous/);
    expect(ambiguous.body.error.details.candidates.map((c) => c.id).sort()).toEqual([
      ids[0],
      ids[1],
    ]);

    const byPrefix = await api.launchRun(batchId, { mode: 'compare', baselineId: `${stamp}aa2` });
    expect(byPrefix.baselineId).toBe(ids[1]);
    const byId = await api.launchRun(batchId, { mode: 'compare', baselineId: ids[2] ?? '' });
    expect(byId.baselineId).toBe(ids[2]);
    const upper = await api.launchRun(batchId, {
      mode: 'compare',
      baselineId: `${stamp}BB`.toUpperCase(),
    });
    expect(upper.baselineId).toBe(ids[2]);

    const wrongBatch = await api.request<{ error: { message: string } }>(
      'POST',
      `/batches/${batchId}/runs`,
      {
        mode: 'compare',
        baselineId: foreign,
      },
    );
    expect(wrongBatch.status).toBe(422);
    expect(wrongBatch.body.error.message).toMatch(/belongs to batch/);

    // A baseline in use by a queued run cannot be deleted; once the run has ended it can.
    const conflict = await api.request<{ error: { message: string } }>(
      'DELETE',
      `/baselines/${ids[1] ?? ''}`,
    );
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.message).toMatch(/used by 1 queued or running run/);
    await api.ok('POST', `/runs/${byPrefix.id}/cancel`);
    await api.ok('POST', `/runs/${byId.id}/cancel`);
    await api.ok('POST', `/runs/${upper.id}/cancel`);
    expect((await api.request('DELETE', `/baselines/${ids[1] ?? ''}`)).status).toBe(204);
    expect((await api.request('GET', `/baselines/${ids[1] ?? ''}`)).status).toBe(404);
    expect(await auditOf(ids[1] ?? '')).toEqual(['baseline:delete']);
    // The run keeps its history; its baseline reference is cleared.
    expect((await api.getRun(byPrefix.id)).baselineId).toBeUndefined();
    // And retrying it is refused with the reason.
    const retry = await api.request<{ error: { message: string } }>(
      'POST',
      `/runs/${byPrefix.id}/retry`,
    );
    expect(retry.status).toBe(422);
    expect(retry.body.error.message).toMatch(/has been deleted/);
  });

  it('uses the latest baseline that has images and is not being recorded', async () => {
    const { batchId, projectId } = await createBatch(api, {
      pages: [{ name: 'p', url: `${site}/` }],
    });
    const recording = await api.launchRun(batchId, { mode: 'baseline' });
    const stillRecording = await api.request<{ error: { message: string } }>(
      'POST',
      `/batches/${batchId}/runs`,
      {
        mode: 'compare',
      },
    );
    expect(stillRecording.status).toBe(422);
    // A finished baseline with an image (made by hand here).
    const now = nowIso();
    const baselineId = `done${Math.random().toString(36).slice(2, 10)}`;
    await insertBaseline(t.app.db, {
      id: baselineId,
      projectId,
      batchId,
      sourceRunId: null,
      createdAt: now,
      updatedAt: now,
    });
    const artifact = await writeArtifactFile(t.app, {
      projectId,
      runId: 'none',
      executionId: 'none',
      kind: 'screenshot',
      extension: 'png',
      bytes: Buffer.from('not really a png'),
    });
    await insertArtifact(t.app.db, { ...artifact, runId: null, executionId: null });
    await insertBaselineEntry(t.app.db, {
      layoutArtifactId: null,
      id: `e${baselineId}`,
      baselineId,
      matrixKey: 'x||chromium|desktop',
      pageId: 'x',
      taskId: null,
      browser: 'chromium',
      viewportName: 'desktop',
      artifactId: artifact.id,
      sha256: artifact.sha256,
      sourceExecutionId: null,
      createdAt: now,
    });
    const compare = await api.launchRun(batchId, { mode: 'compare' });
    expect(compare.baselineId).toBe(baselineId);
    const listed = await api.ok<{ items: { id: string; entries: number }[] }>(
      'GET',
      `/baselines?batchId=${batchId}`,
    );
    expect(listed.items.find((b) => b.id === baselineId)?.entries).toBe(1);
    await api.ok('POST', `/runs/${compare.id}/cancel`);
    await api.ok('POST', `/runs/${recording.id}/cancel`);
  });

  it('cancels, retries and deletes runs and executions, auditing and logging each change', async () => {
    const { batchId, projectId } = await createBatch(api, {
      pages: [
        { name: 'a', url: `${site}/a` },
        { name: 'b', url: `${site}/b` },
        { name: 'c', url: `${site}/c` },
      ],
    });
    await api.ok('POST', `/projects/${projectId}/webhooks`, {
      url: 'http://127.0.0.1:9/hook',
      events: ['*'],
    });
    const run = await api.launchRun(batchId, { mode: 'baseline' });
    const [first, second] = await api.listExecutions(run.id);
    if (!first || !second) throw new Error('expected executions');

    // One execution running (as a worker would have claimed it), one cancelled on its own.
    await claimExecution(t.app.db, first.id, nowIso(), testLease);
    const single = await api.ok<Execution>('POST', `/executions/${second.id}/cancel`);
    expect(single).toMatchObject({ status: 'cancelled', cancelReason: 'user' });
    expect((await api.request('POST', `/executions/${second.id}/cancel`)).status).toBe(409);

    const cancelled = await api.ok<Run>('POST', `/runs/${run.id}/cancel`);
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      cancelReason: 'user',
      summary: { cancelled: 3, queued: 0, running: 0 },
    });
    expect(cancelled.finishedAt).toBeDefined();
    const executions = await api.listExecutions(run.id);
    expect(executions.map((e) => [e.status, e.cancelReason])).toEqual([
      ['cancelled', 'user'],
      ['cancelled', 'user'],
      ['cancelled', 'user'],
    ]);
    expect((await api.request('POST', `/runs/${run.id}/cancel`)).status).toBe(409);
    expect(await deliveries(projectId)).toEqual(['run.started', 'run.cancelled']);

    // Deleting a run that is still active is refused; retrying re-queues every cell.
    const retried = await api.ok<Run>('POST', `/runs/${run.id}/retry`);
    expect(retried).toMatchObject({ status: 'running', summary: { queued: 3 } });
    expect(retried).not.toHaveProperty('cancelReason');
    expect(retried).not.toHaveProperty('finishedAt');
    expect((await api.request('DELETE', `/runs/${run.id}`)).status).toBe(409);
    expect((await api.request('POST', `/runs/${run.id}/retry`)).status).toBe(409);
    expect((await api.request('POST', `/executions/${first.id}/retry`)).status).toBe(409);
    expect((await api.request('POST', `/executions/${first.id}/approve`)).status).toBe(422);

    await api.ok('POST', `/runs/${run.id}/cancel`);
    const executionRetry = await api.ok<Execution>('POST', `/executions/${first.id}/retry`);
    expect(executionRetry).toMatchObject({ status: 'queued', attempt: 0 });
    expect((await api.getRun(run.id)).status).toBe('running');
    await api.ok('POST', `/executions/${first.id}/cancel`);
    expect((await api.getRun(run.id)).status).toBe('cancelled');

    const log = await api.runLog(run.id);
    expect(log.map((l) => l.kind)).toEqual(
      expect.arrayContaining(['queued', 'started', 'cancelled', 'finished', 'retry']),
    );
    expect(await auditOf(run.id)).toEqual(['run:update', 'run:update', 'run:update', 'run:create']);
    expect(await auditOf(first.id)).toEqual(['execution:update', 'execution:update']);

    const announced: string[] = [];
    const unsubscribe = t.app.events.subscribe((event) => {
      if (event.type === 'run.deleted') announced.push(event.runId);
    });
    expect((await api.request('DELETE', `/runs/${run.id}`)).status).toBe(204);
    unsubscribe();
    expect(announced).toEqual([run.id]); // live dashboards drop the row
    expect((await api.request('GET', `/runs/${run.id}`)).status).toBe(404);
    expect((await api.request('GET', `/executions/${first.id}`)).status).toBe(404);
    expect((await api.request('GET', `/runs/${run.id}/log`)).status).toBe(404);
    expect(await auditOf(run.id)).toContain('run:delete');
    const baseline = await api.ok<{ sourceRunId: string | null }>(
      'GET',
      `/baselines/${run.baselineId ?? ''}`,
    );
    expect(baseline.sourceRunId).toBeNull();
  });

  it('derives the run status correctly when many executions end at the same moment', async () => {
    const { batchId } = await createBatch(api, {
      pages: Array.from({ length: 12 }, (_, i) => ({ name: `p${i}`, url: `${site}/${i}` })),
    });
    const run = await api.launchRun(batchId, { mode: 'baseline' });
    const executions = await api.listExecutions(run.id);
    for (const e of executions) await claimExecution(t.app.db, e.id, nowIso(), testLease);
    // Concurrent transactions (a pool of connections on Postgres): each one must see the
    // others' commits when it derives the run's status, or the run would stay running.
    const responses = await Promise.all(
      executions.map((e) => api.request('POST', `/executions/${e.id}/cancel`)),
    );
    expect(responses.map((r) => r.status)).toEqual(executions.map(() => 200));
    expect(await api.getRun(run.id)).toMatchObject({
      status: 'cancelled',
      summary: { cancelled: 12, running: 0 },
    });
  });

  it('serves artifacts at immutable URLs and nothing outside the store', async () => {
    const { projectId } = await createBatch(api, { pages: [{ name: 'p', url: `${site}/` }] });
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    const artifact = await writeArtifactFile(t.app, {
      projectId,
      runId: 'r1',
      executionId: 'e1',
      kind: 'screenshot',
      extension: 'png',
      bytes: png,
    });
    await insertArtifact(t.app.db, { ...artifact, runId: null, executionId: null });
    const url = `/api/v1/artifacts/${artifact.storageKey}`;
    const served = await t.server.inject({ url });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(served.rawPayload.equals(png)).toBe(true);

    // A file in the store that Scene did not record is not served either.
    await t.app.artifacts.put(`${projectId}/unrecorded.txt`, Buffer.from('x'), 'text/plain');
    const attempts = [
      `/api/v1/artifacts/${projectId}/unrecorded.txt`,
      '/api/v1/artifacts/../../../../etc/passwd',
      '/api/v1/artifacts/..%2f..%2f..%2f..%2fetc%2fpasswd',
      '/api/v1/artifacts/%2e%2e/%2e%2e/scene.db',
      '/api/v1/artifacts/%2fetc%2fpasswd',
      `/api/v1/artifacts/${artifact.storageKey}/..%2f..%2f..%2f..%2f..%2fscene.db`,
      '/api/v1/artifacts/..\\..\\scene.db',
    ];
    for (const attempt of attempts) {
      const response = await t.server.inject({ url: attempt });
      expect(response.statusCode, attempt).toBe(404);
      expect(response.body).not.toMatch(/root:|SQLite/);
    }
    // The store refuses escaping keys even when asked directly.
    await expect(t.app.artifacts.get('../scene.db')).rejects.toThrow(/does not exist/);
    await expect(t.app.artifacts.get('/etc/passwd')).rejects.toThrow(/does not exist/);
  });
});

describe('without Chromium', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite', { SCENE_CHROMIUM_PATH: '/nonexistent/chromium' });
    await t.app.startRunEngine();
  });
  afterAll(() => t.close());

  it('says so at start and refuses to launch a run (422) with how to install it', async () => {
    const api = injectClient(t.server);
    expect(t.logs.join('')).toMatch(
      /captures will fail: Chromium not found at \/nonexistent\/chromium/,
    );
    const { batchId } = await createBatch(api, { pages: [{ name: 'p', url: `${site}/` }] });
    const launched = await api.request('POST', `/batches/${batchId}/runs`, { mode: 'baseline' });
    expect(launched.status).toBe(422);
    expect(launched.text).toMatch(/browser 'chromium' cannot capture on this machine/);
    expect(launched.text).toMatch(/apt-get install -y chromium/);
    expect(launched.text).toMatch(/SCENE_CHROMIUM_PATH/);
    // Nothing was launched.
    expect(await t.app.db.selectFrom('runs').select('id').execute()).toEqual([]);
    const browsers = await api.request('GET', '/browsers');
    expect(browsers.body).toContainEqual(
      expect.objectContaining({ name: 'chromium', available: false }),
    );
  });
});
