import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobKeyOf, sha256Of } from '../../src/artifacts/artifact-files.ts';
import { BrowserPool } from '../../src/capture/browser-pool.ts';
import type { Execution, Run } from '../../src/runs/run.schema.ts';
import { fixturePaths, startFixtureSite, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import { createTestApp, type Dialect, type TestApp } from '../support/test-app.ts';
import {
  createBatch,
  injectClient,
  pollExecutions,
  pollRun,
  type SceneClient,
} from '../support/scene-client.ts';

// Runs through the real engine: queue → capture in Chromium → diff → artifacts → baselines,
// against the fixture site on 127.0.0.1. SQLite for the lot, plus one Postgres end to end.

interface Harness {
  t: TestApp;
  api: SceneClient;
  pool: BrowserPool;
}

async function startHarness(dialect: Dialect): Promise<Harness> {
  const t = await createTestApp(dialect);
  const pool = new BrowserPool();
  // Launched up front, so that no execution timeout below includes the browser's start.
  await pool.acquire('chromium');
  await t.app.startRunEngine({ pool, checkIntervalMs: 100 });
  return { t, api: injectClient(t.server), pool };
}

function byPage(executions: Execution[]): Record<string, Execution> {
  return Object.fromEntries(executions.map((e) => [e.pageName, e]));
}

async function fetchArtifact(h: Harness, url: string | undefined) {
  if (url === undefined) throw new Error('no artifact URL');
  return h.t.server.inject({ url });
}

/** SSE events of a run, read until the server closes the stream (after the summary). */
async function readRunEvents(
  h: Harness,
  runId: string,
): Promise<{ event: string; data: unknown }[]> {
  const response = await h.t.server.inject({ url: `/api/v1/runs/${runId}/events` });
  expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
  return response.body
    .split('\n\n')
    .filter((block) => block.startsWith('event: '))
    .map((block) => {
      const [eventLine = '', dataLine = ''] = block.split('\n');
      return {
        event: eventLine.slice('event: '.length),
        data: JSON.parse(dataLine.slice('data: '.length)) as unknown,
      };
    });
}

describe('runs with Chromium on sqlite', () => {
  let site: FixtureSite;
  let h: Harness;
  beforeAll(async () => {
    site = await startFixtureSite();
    h = await startHarness('sqlite');
  });
  afterAll(async () => {
    await h.t.close();
    await site.close();
  });

  it('records a baseline, compares unchanged (none) and changed (major) pages, approves a change', async () => {
    const { api } = h;
    site.setVariant('original');
    const { batchId, projectId } = await createBatch(api, {
      pages: [
        { name: 'home', url: site.url + fixturePaths.home },
        { name: 'about', url: site.url + fixturePaths.about },
        { name: 'products', url: site.url + fixturePaths.products },
      ],
      // The price change on /products is a few hundred pixels: major above 0.005 %.
      executionDiffThreshold: 0.005,
    });
    await api.ok('POST', `/projects/${projectId}/webhooks`, {
      url: 'http://127.0.0.1:9/hook',
      events: ['baseline.updated'],
    });

    const baselineRun = await pollRun(api, (await api.launchRun(batchId, { mode: 'baseline' })).id);
    expect(baselineRun).toMatchObject({
      status: 'finished',
      summary: { finished: 3, diffLevel: null },
    });
    const recorded = await api.listExecutions(baselineRun.id);
    for (const e of recorded) {
      expect(e).toMatchObject({ status: 'finished', attempt: 1, httpStatus: 200, approved: true });
      expect(e).not.toHaveProperty('diffLevel');
    }
    const [baseline] = await api.listBaselines({ batchId: batchId });
    expect(baseline).toMatchObject({ id: baselineRun.baselineId, entries: 3 });
    const screenshot = await fetchArtifact(h, recorded[0]?.artifacts.screenshot);
    expect(screenshot.statusCode).toBe(200);
    expect(screenshot.headers['content-type']).toBe('image/png');
    expect(screenshot.headers['cache-control']).toMatch(/immutable/);
    expect((await fetchArtifact(h, recorded[0]?.artifacts.log)).body).toMatch(/\[navigate\]/);

    // Unchanged site: every cell none, byte-identical to the baseline.
    const unchanged = await pollRun(api, (await api.launchRun(batchId, { mode: 'compare' })).id);
    expect(unchanged).toMatchObject({
      status: 'finished',
      baselineId: baselineRun.baselineId,
      summary: { finished: 3, none: 3, minor: 0, major: 0, diffLevel: 'none', maxDiffPercent: 0 },
    });
    for (const e of await api.listExecutions(unchanged.id)) {
      expect(e).toMatchObject({
        status: 'finished',
        diffLevel: 'none',
        diffPercent: 0,
        approved: false,
      });
      expect(e.artifacts.baseline).toBeDefined();
      expect(e.artifacts.diff).toBeUndefined();
    }

    // Changed site: the changed pages are major, with diff images and regions; the run still
    // finishes (a diff is a finding, not a failure).
    site.setVariant('changed');
    const changedRunId = (await api.launchRun(batchId, { mode: 'compare' })).id;
    const events = await readRunEvents(h, changedRunId);
    const changed = await api.getRun(changedRunId);
    expect(changed).toMatchObject({
      status: 'finished',
      summary: { finished: 3, none: 1, major: 2, diffLevel: 'major' },
    });
    const cells = byPage(await api.listExecutions(changed.id));
    expect(cells.about).toMatchObject({ diffLevel: 'none', diffPercent: 0 });
    for (const name of ['home', 'products']) {
      const cell = cells[name];
      expect(cell, name).toMatchObject({ status: 'finished', diffLevel: 'major' });
      expect(cell?.diffPixels ?? 0).toBeGreaterThan(0);
      expect(cell?.changedRegions?.length ?? 0).toBeGreaterThan(0);
      const diff = await fetchArtifact(h, cell?.artifacts.diff);
      expect(diff.headers['content-type']).toBe('image/png');
      expect((await fetchArtifact(h, cell?.artifacts.heatmap)).statusCode).toBe(200);
    }

    // The event stream: a snapshot first, live execution/log events, a summary last.
    expect(events[0]?.event).toBe('snapshot');
    expect(events.at(-1)).toMatchObject({
      event: 'summary',
      data: { run: { status: 'finished' } },
    });
    const names = new Set(events.map((e) => e.event));
    expect([...names]).toEqual(
      expect.arrayContaining(['snapshot', 'run', 'execution', 'log', 'summary']),
    );
    const logLines = events
      .filter((e) => e.event === 'log')
      .map((e) => (e.data as { line: { kind: string } }).line.kind);
    expect(logLines).toEqual(expect.arrayContaining(['step', 'finished']));
    // Each line once: capture steps stream live and are not sent again when stored.
    const keys = events
      .filter((e) => e.event === 'log')
      .map((e) => JSON.stringify({ ...(e.data as { line: object }).line, seq: undefined }));
    expect(new Set(keys).size).toBe(keys.length);

    // Approve the home page: its screenshot becomes the baseline image (old one kept as history).
    const homeId = cells.home?.id ?? '';
    const approved = await api.ok<{
      changed: boolean;
      previousEntryId: string | null;
      execution: Execution;
    }>('POST', `/executions/${homeId}/approve`);
    expect(approved).toMatchObject({ changed: true, execution: { approved: true } });
    expect(approved.previousEntryId).not.toBeNull();
    expect(
      (await api.ok<{ changed: boolean }>('POST', `/executions/${homeId}/approve`)).changed,
    ).toBe(false);
    expect((await api.listBaselines({ batchId: batchId }))[0]?.entries).toBe(3);
    const history = await h.t.app.db
      .selectFrom('baseline_entries')
      .select(['matrix_key', 'superseded_at'])
      .where('baseline_id', '=', baselineRun.baselineId ?? '')
      .execute();
    expect(history.filter((e) => e.superseded_at !== null)).toHaveLength(1);
    const audit = await api.ok<{ items: { entityType: string; action: string }[] }>(
      'GET',
      `/audit?entityId=${baselineRun.baselineId ?? ''}`,
    );
    expect(audit.items[0]).toMatchObject({ entityType: 'baseline', action: 'update' });
    const outbox = await h.t.app.db
      .selectFrom('webhook_deliveries')
      .select(['event_type', 'payload'])
      .execute();
    const updated = outbox.find((d) => d.event_type === 'baseline.updated');
    expect(JSON.parse(updated?.payload ?? '{}')).toMatchObject({
      type: 'baseline.updated',
      data: { baseline: { id: baselineRun.baselineId }, entry: { executionId: homeId } },
    });

    const afterApproval = await pollRun(
      api,
      (await api.launchRun(batchId, { mode: 'compare' })).id,
    );
    const again = byPage(await api.listExecutions(afterApproval.id));
    expect(again.home?.diffLevel).toBe('none');
    expect(again.products?.diffLevel).toBe('major');

    // Deleting runs removes their files, except images a baseline or another run still uses:
    // images are stored once per content, and the later compare's diff is the same image.
    const changedProducts = cells.products;
    const diffBytes = (await fetchArtifact(h, changedProducts?.artifacts.diff)).rawPayload;
    const diffFile =
      h.t.app.artifacts.localPath(blobKeyOf(sha256Of(diffBytes), 'png')) ?? 'no local path';
    const { existsSync } = await import('node:fs');
    expect(existsSync(diffFile)).toBe(true);
    expect((await api.request('DELETE', `/runs/${changed.id}`)).status).toBe(204);
    expect((await fetchArtifact(h, changedProducts?.artifacts.diff)).statusCode).toBe(404);
    expect((await fetchArtifact(h, again.products?.artifacts.diff)).statusCode).toBe(200);
    expect(existsSync(diffFile)).toBe(true);
    expect((await api.request('DELETE', `/runs/${afterApproval.id}`)).status).toBe(204);
    expect(existsSync(diffFile)).toBe(false);
    // The approved home screenshot lives on as the baseline image, detached from its run.
    expect((await fetchArtifact(h, cells.home?.artifacts.screenshot)).statusCode).toBe(200);
    expect((await fetchArtifact(h, again.home?.artifacts.baseline)).statusCode).toBe(200);
    expect((await api.request('DELETE', `/runs/${baselineRun.id}`)).status).toBe(204);
    const stillCompared = await pollRun(
      api,
      (await api.launchRun(batchId, { mode: 'compare' })).id,
    );
    expect(stillCompared.summary).toMatchObject({
      none: 2,
      major: 1,
      noBaseline: 0,
    });
    site.setVariant('original');
  });

  it('fails the 500 page with its status and a failing step with its name; retry re-runs the failed cells', async () => {
    const { api } = h;
    const { batchId, projectId, pageIds } = await createBatch(api, {
      pages: [
        { name: 'broken', url: site.url + fixturePaths.serverError },
        {
          name: 'menu',
          url: site.url + fixturePaths.menu,
          actions: [
            { type: 'click', selector: '#menu-button' },
            { type: 'click', selector: '#no-such-element', ms: 500 },
          ],
        },
        { name: 'about', url: site.url + fixturePaths.about },
      ],
    });
    await api.ok('POST', `/projects/${projectId}/webhooks`, {
      url: 'http://127.0.0.1:9/hook',
      events: ['execution.failed', 'run.failed'],
    });
    const run = await pollRun(api, (await api.launchRun(batchId, { mode: 'baseline' })).id);
    expect(run).toMatchObject({ status: 'failed', summary: { finished: 1, failed: 2 } });
    const cells = byPage(await api.listExecutions(run.id));
    expect(cells.broken).toMatchObject({ status: 'failed', httpStatus: 500 });
    expect(cells.broken?.error).toMatch(/HTTP 500/);
    expect(cells.menu).toMatchObject({ status: 'failed' });
    expect(cells.menu?.error).toMatch(/page step 2 \(click "#no-such-element"\) failed/);
    expect((await fetchArtifact(h, cells.menu?.artifacts.log)).body).toMatch(/page step 1/);
    expect(cells.about).toMatchObject({ status: 'finished' });
    const log = await api.runLog(run.id);
    expect(
      log
        .filter((l) => l.kind === 'failure')
        .map((l) => l.message)
        .join('\n'),
    ).toMatch(/broken[\s\S]*HTTP 500|HTTP 500[\s\S]*broken/);
    const webhooks = await h.t.app.db
      .selectFrom('webhook_deliveries')
      .innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id')
      .select(['event_type', 'payload'])
      .where('webhooks.project_id', '=', projectId)
      .execute();
    expect(webhooks.map((w) => w.event_type).sort()).toEqual([
      'execution.failed',
      'execution.failed',
      'run.failed',
    ]);
    const runFailed = JSON.parse(
      webhooks.find((w) => w.event_type === 'run.failed')?.payload ?? '{}',
    ) as {
      data: { run: Run; links: { api: string; html: string } };
    };
    expect(runFailed.data.run.summary).toMatchObject({ failed: 2, finished: 1 });
    expect(runFailed.data.links.api).toBe(`${h.t.app.config.publicUrl}/api/v1/runs/${run.id}`);

    // Fix the broken page, then re-run only the failed cells, against the same baseline.
    await api.ok('PATCH', `/pages/${pageIds[0] ?? ''}`, { url: site.url + fixturePaths.about });
    await api.ok('PATCH', `/pages/${pageIds[1] ?? ''}`, {
      actions: [{ type: 'click', selector: '#menu-button' }],
    });
    await api.ok('POST', `/runs/${run.id}/retry`);
    const retried = await pollRun(api, run.id);
    expect(retried).toMatchObject({ status: 'finished', summary: { finished: 3, failed: 0 } });
    const after = byPage(await api.listExecutions(run.id));
    expect(after.broken).toMatchObject({ status: 'finished', attempt: 1 });
    expect(after.broken).not.toHaveProperty('error');
    expect(after.about?.finishedAt).toBe(cells.about?.finishedAt);
    expect((await api.listBaselines({ batchId: batchId }))[0]?.entries).toBe(3);
  });

  it('cancels a run mid-flight: running captures are aborted, the reason is stored', async () => {
    const { api, t } = h;
    const { batchId } = await createBatch(api, {
      pages: [1, 2, 3, 4, 5, 6].map((n) => ({
        name: `hung ${n}`,
        url: `${site.url}${fixturePaths.hung}?n=${n}`,
      })),
    });
    const launched = await api.launchRun(batchId, { mode: 'baseline' });
    await pollExecutions(
      api,
      launched.id,
      (es) => es.filter((e) => e.status === 'running').length >= 2,
    );
    const cancelled = await api.ok<Run>('POST', `/runs/${launched.id}/cancel`);
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      cancelReason: 'user',
      summary: { cancelled: 6 },
    });
    const executions = await api.listExecutions(launched.id);
    expect(executions.every((e) => e.status === 'cancelled' && e.cancelReason === 'user')).toBe(
      true,
    );
    // The aborted captures let go of their workers (hang guard only; no timing asserted).
    const giveUpAt = Date.now() + 20_000;
    while (t.app.queue.stats().active > 0 && Date.now() < giveUpAt) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(t.app.queue.stats()).toEqual({ waiting: 0, active: 0 });
    expect((await api.getRun(launched.id)).status).toBe('cancelled');
    const log = await api.runLog(launched.id);
    expect(log.some((l) => l.kind === 'cancelled' && /by a user/.test(l.message))).toBe(true);
  });

  it('stops the captures of a batch deleted mid-run, and of a deleted project, and ends their streams', async () => {
    const { api, t } = h;
    for (const owner of ['batch', 'project'] as const) {
      const { batchId, projectId } = await createBatch(api, {
        pages: [1, 2, 3].map((n) => ({
          name: `hung ${n}`,
          url: `${site.url}${fixturePaths.hung}?${owner}=${n}`,
        })),
      });
      const launched = await api.launchRun(batchId, { mode: 'baseline' });
      await pollExecutions(api, launched.id, (es) => es.some((e) => e.status === 'running'));
      const events = readRunEvents(h, launched.id);
      while (!t.app.events.hasListeners(launched.id, projectId)) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await api.ok('DELETE', owner === 'batch' ? `/batches/${batchId}` : `/projects/${projectId}`);
      // the run's live stream says the run is gone, and ends
      expect((await events).at(-1)).toEqual({ event: 'deleted', data: { runId: launched.id } });
      // Hung pages never answer: only the deletion stops their captures (hang guard only).
      const giveUpAt = Date.now() + 20_000;
      while (t.app.queue.stats().active > 0 && Date.now() < giveUpAt) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(t.app.queue.stats()).toEqual({ waiting: 0, active: 0 });
      expect((await api.request('GET', `/runs/${launched.id}`)).status).toBe(404);
    }
    expect(t.logs.filter((line) => /execution crashed/.test(line))).toEqual([]);
  });

  it('cancels a hung page at the execution timeout, and a whole run at its deadline', async () => {
    const { api, t } = h;
    const { batchId, projectId } = await createBatch(api, {
      pages: [
        { name: 'hung', url: site.url + fixturePaths.hung },
        { name: 'about', url: site.url + fixturePaths.about },
      ],
    });
    // 8 s: long enough for the about page on a loaded machine, short for the hung one.
    await api.ok('PATCH', `/projects/${projectId}/settings`, { executionTimeoutSeconds: 8 });
    const run = await pollRun(api, (await api.launchRun(batchId, { mode: 'baseline' })).id);
    expect(run.status).toBe('failed');
    const cells = byPage(await api.listExecutions(run.id));
    expect(cells.hung).toMatchObject({ status: 'cancelled', cancelReason: 'timeout' });
    expect(cells.hung?.error).toMatch(
      /timed out after 8 s \(executionTimeoutSeconds\); last completed step: \S+/,
    );
    expect(cells.about?.status).toBe('finished');

    // The run deadline (runTimeoutSeconds): moved into the past rather than waited for.
    await api.ok('PATCH', `/projects/${projectId}/settings`, { executionTimeoutSeconds: 600 });
    const slow = await api.launchRun(batchId, { mode: 'baseline' });
    await pollExecutions(api, slow.id, (es) =>
      es.some((e) => e.pageName === 'hung' && e.status === 'running'),
    );
    await t.app.db
      .updateTable('runs')
      .set({ deadline_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', slow.id)
      .execute();
    const timedOut = await pollRun(api, slow.id);
    expect(timedOut).toMatchObject({ status: 'cancelled', cancelReason: 'timeout' });
    const slowCells = byPage(await api.listExecutions(slow.id));
    expect(slowCells.hung).toMatchObject({ status: 'cancelled', cancelReason: 'timeout' });
  });

  it('retries a transient browser fault with a fresh context and records the attempt', async () => {
    const { api, pool } = h;
    const { batchId } = await createBatch(api, {
      pages: [
        {
          name: 'waits',
          url: site.url + fixturePaths.about,
          actions: [{ type: 'waitForTimeout', ms: 3000 }],
        },
      ],
    });
    const launched = await api.launchRun(batchId, { mode: 'baseline' });
    // Once the capture is in its wait (the page has loaded), crash the browser under it.
    await new Promise<void>((resolve) => {
      const unsubscribe = h.t.app.events.subscribe(
        (event) => {
          if (event.type === 'run.log' && /^navigate:/.test(event.line.message)) {
            unsubscribe();
            resolve();
          }
        },
        { runId: launched.id },
      );
    });
    const browser = await pool.acquire('chromium');
    await browser.close();
    const run = await pollRun(api, launched.id);
    expect(run.status).toBe('finished');
    const [execution] = await api.listExecutions(launched.id);
    expect(execution).toMatchObject({ status: 'finished', attempt: 2 });
    const lines = await api.runLog(launched.id);
    expect(lines.some((l) => l.kind === 'retry' && /attempt 2/.test(l.message))).toBe(true);
  });
});

describe('runs with Chromium on postgres', () => {
  let site: FixtureSite;
  let h: Harness;
  beforeAll(async () => {
    site = await startFixtureSite();
    h = await startHarness('postgres');
  });
  afterAll(async () => {
    await h.t.close();
    await site.close();
  });

  it('baseline, then compare on the changed site: changed cells major, the others none', async () => {
    const { api } = h;
    const { batchId } = await createBatch(api, {
      pages: [
        { name: 'home', url: site.url + fixturePaths.home },
        { name: 'about', url: site.url + fixturePaths.about },
      ],
      viewports: ['desktop', 'mobile'],
    });
    const baseline = await pollRun(api, (await api.launchRun(batchId, { mode: 'baseline' })).id);
    expect(baseline).toMatchObject({ status: 'finished', summary: { finished: 4 } });
    site.setVariant('changed');
    const compare = await pollRun(api, (await api.launchRun(batchId, { mode: 'compare' })).id);
    expect(compare).toMatchObject({
      status: 'finished',
      summary: { none: 2, major: 2, diffLevel: 'major' },
    });
    for (const e of await api.listExecutions(compare.id)) {
      expect(e.diffLevel, `${e.pageName} ${e.viewport.name}`).toBe(
        e.pageName === 'home' ? 'major' : 'none',
      );
    }
  });
});
