import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connect.ts';
import { createTestApp, dialects, type TestApp } from '../support/test-app.ts';
import { apiChecks, injectClient, type ApiChecks } from '../support/scene-client.ts';

interface BatchBody {
  id: string;
  projectId: string;
  name: string;
  pageIds: string[];
  taskIds: string[];
  browsers: string[];
  viewports: string[];
  jiraIssue?: string;
  executionDiffThreshold: number;
  runDiffThreshold: number;
}

/** A project with three pages and two tasks. */
async function seedProject(api: ApiChecks, name: string) {
  const project = await api.project(name);
  const page = (n: string) =>
    api.create(`/projects/${project.id}/pages`, { name: n, url: `https://site.test/${n}` });
  const task = (n: string) => api.create(`/projects/${project.id}/tasks`, { name: n });
  return {
    projectId: project.id,
    pages: [await page('home'), await page('about'), await page('contact')].map((p) => p.id),
    tasks: [await task('menu'), await task('form')].map((x) => x.id),
  };
}

/**
 * A finished baseline run of the batch with one screenshot, promoted into a baseline: the rows
 * the run engine writes, inserted directly so that deletion can be checked end to end.
 */
async function seedRunWithBaseline(
  t: TestApp,
  projectId: string,
  batchId: string,
  pageId: string,
): Promise<{ runId: string; baselineId: string; keys: string[] }> {
  const db: Db = t.app.db;
  const now = new Date().toISOString();
  const suffix = Math.random().toString(36).slice(2, 10);
  const runId = `run${suffix}`;
  const executionId = `exe${suffix}`;
  const baselineId = `bas${suffix}`;
  const keys = [`runs/${runId}/shot.png`, `runs/${runId}/trace.zip`];
  await db
    .insertInto('runs')
    .values({
      id: runId,
      project_id: projectId,
      batch_id: batchId,
      mode: 'baseline',
      baseline_id: null,
      status: 'finished',
      jira_issue: null,
      cancel_reason: null,
      deadline_at: null,
      created_at: now,
      started_at: now,
      finished_at: now,
    })
    .execute();
  await db
    .insertInto('executions')
    .values({
      id: executionId,
      run_id: runId,
      position: 0,
      matrix_key: `${pageId}||chromium|desktop`,
      page_id: pageId,
      page_name: 'home',
      task_id: null,
      task_name: null,
      browser: 'chromium',
      viewport_name: 'desktop',
      viewport_width: 1280,
      viewport_height: 800,
      status: 'finished',
      attempt: 1,
      error: null,
      cancel_reason: null,
      http_status: 200,
      final_url: null,
      baseline_entry_id: null,
      diff_pixels: null,
      diff_percent: null,
      diff_level: null,
      diff_details: null,
      created_at: now,
      started_at: now,
      finished_at: now,
    })
    .execute();
  for (const [i, key] of keys.entries()) {
    await t.app.artifacts.put(key, Buffer.from(`bytes ${key}`), 'application/octet-stream');
    await db
      .insertInto('artifacts')
      .values({
        id: `art${i}${suffix}`,
        project_id: projectId,
        run_id: runId,
        execution_id: executionId,
        kind: i === 0 ? 'screenshot' : 'trace',
        storage_key: key,
        content_type: 'application/octet-stream',
        byte_size: 10,
        sha256: 'x',
        width: null,
        height: null,
        created_at: now,
      })
      .execute();
  }
  await db
    .insertInto('baselines')
    .values({
      id: baselineId,
      project_id: projectId,
      batch_id: batchId,
      source_run_id: runId,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await db
    .insertInto('baseline_entries')
    .values({
      id: `ent${suffix}`,
      baseline_id: baselineId,
      matrix_key: `${pageId}||chromium|desktop`,
      page_id: pageId,
      task_id: null,
      browser: 'chromium',
      viewport_name: 'desktop',
      artifact_id: `art0${suffix}`,
      sha256: 'x',
      source_execution_id: executionId,
      created_at: now,
      superseded_at: null,
    })
    .execute();
  // As a later compare run would: it points at the baseline that the deletion also removes.
  await db.updateTable('runs').set({ baseline_id: baselineId }).where('id', '=', runId).execute();
  return { runId, baselineId, keys };
}

async function countRows(
  db: Db,
  table: 'runs' | 'baselines' | 'artifacts',
  batchOrProject: string,
) {
  const column = table === 'artifacts' ? 'project_id' : 'batch_id';
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(column, '=', batchOrProject)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe.each(dialects)('batches API on %s', (dialect) => {
  let t: TestApp;
  let api: ApiChecks;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    api = apiChecks(injectClient(t.server));
  });
  afterAll(() => t.close());

  it('creates, reads, lists, updates and deletes a batch, keeping page and task order', async () => {
    const { projectId, pages, tasks } = await seedProject(api, 'Batch CRUD');
    const [home, about, contact] = pages;
    const batch = await api.create<BatchBody>(`/projects/${projectId}/batches`, {
      name: 'Nightly',
      pageIds: [contact, home],
      taskIds: [tasks[1], tasks[0]],
      browsers: ['chromium'],
      viewports: ['mobile', 'desktop'],
      jiraIssue: 'SHOP-42',
    });
    expect(batch).toMatchObject({
      projectId,
      name: 'Nightly',
      pageIds: [contact, home],
      taskIds: [tasks[1], tasks[0]],
      browsers: ['chromium'],
      viewports: ['mobile', 'desktop'],
      jiraIssue: 'SHOP-42',
      executionDiffThreshold: 0.1,
      runDiffThreshold: 0.1,
    });
    expect((await api.get(`/batches/${batch.id}`)).body).toEqual(batch);

    const asLoaded = await api.create<BatchBody>(`/projects/${projectId}/batches`, {
      name: 'As loaded',
      pageIds: [about],
      browsers: ['chromium'],
      viewports: ['desktop'],
      executionDiffThreshold: 0,
      runDiffThreshold: 2.5,
    });
    expect(asLoaded).toMatchObject({
      taskIds: [],
      executionDiffThreshold: 0,
      runDiffThreshold: 2.5,
    });
    expect(asLoaded).not.toHaveProperty('jiraIssue');

    const listed = await api.listAll<BatchBody>(`/projects/${projectId}/batches`, 1);
    expect(listed).toEqual([asLoaded, batch]);

    const patched = await api.patch<BatchBody>(`/batches/${batch.id}`, {
      pageIds: [about, contact, home],
      taskIds: [],
      jiraIssue: null,
      runDiffThreshold: 1,
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({
      name: 'Nightly',
      pageIds: [about, contact, home],
      taskIds: [],
      runDiffThreshold: 1,
    });
    expect(patched.body).not.toHaveProperty('jiraIssue');
    expect((await api.get(`/batches/${batch.id}`)).body).toEqual(patched.body);

    expect((await api.delete(`/batches/${asLoaded.id}`)).status).toBe(204);
    expect((await api.get(`/batches/${asLoaded.id}`)).status).toBe(404);

    const entries = await api.audit(`entityType=batch&entityId=${batch.id}`);
    expect(entries.map((e) => e.action)).toEqual(['update', 'create']);
    expect(entries[0]?.changes).toEqual({
      pageIds: { before: [contact, home], after: [about, contact, home] },
      taskIds: { before: [tasks[1], tasks[0]], after: [] },
      jiraIssue: { before: 'SHOP-42', after: null },
      runDiffThreshold: { before: 0.1, after: 1 },
    });
    expect(entries[1]?.changes.pageIds).toEqual({ before: null, after: [contact, home] });
    const deletion = await api.audit(`entityType=batch&entityId=${asLoaded.id}`);
    expect(deletion.map((e) => e.action)).toEqual(['delete', 'create']);
    expect(deletion[0]?.changes.pageIds).toEqual({ before: [about], after: null });
  });

  it('rejects references to other projects, unknown ids and unavailable browsers/viewports (422)', async () => {
    const own = await seedProject(api, 'Batch refs');
    const other = await seedProject(api, 'Batch refs other');
    const batches = () => api.listAll(`/projects/${own.projectId}/batches`, 200);
    const url = `/projects/${own.projectId}/batches`;
    const valid = {
      name: 'Refs',
      pageIds: own.pages,
      taskIds: own.tasks,
      browsers: ['chromium'],
      viewports: ['desktop'],
    };
    const foreignPage = other.pages[0] ?? '';
    const foreignTask = other.tasks[0] ?? '';

    const error = await api.expectRejected(
      () => api.post(url, { ...valid, pageIds: [own.pages[0], foreignPage, 'ghost'] }),
      422,
      new RegExp(
        `pageIds: no such pages: ghost; pageIds: pages of another project: ${foreignPage}`,
      ),
      batches,
    );
    expect(error.error.code).toBe('unprocessable');
    expect(error.error.details).toEqual({
      unknownPageIds: ['ghost'],
      foreignPageIds: [foreignPage],
    });
    await api.expectRejected(
      () => api.post(url, { ...valid, taskIds: [foreignTask] }),
      422,
      new RegExp(`taskIds: tasks of another project: ${foreignTask}`),
      batches,
    );
    await api.expectRejected(
      () => api.post(url, { ...valid, browsers: ['firefox'], viewports: ['tablet', 'desktop'] }),
      422,
      /browsers: not in the settings: firefox \(available: chromium\); viewports: not in the settings: tablet \(available: desktop, mobile\)/,
      batches,
    );

    const batch = await api.create<BatchBody>(url, valid);
    const read = () => api.get(`/batches/${batch.id}`);
    await api.expectRejected(
      () => api.patch(`/batches/${batch.id}`, { pageIds: [foreignPage] }),
      422,
      /pages of another project/,
      read,
    );
    await api.expectRejected(
      () => api.patch(`/batches/${batch.id}`, { viewports: ['watch'] }),
      422,
      /viewports: not in the settings: watch/,
      read,
    );
  });

  it('rejects malformed batches (400) and duplicate names (409), changing nothing', async () => {
    const { projectId, pages } = await seedProject(api, 'Batch validation');
    const url = `/projects/${projectId}/batches`;
    const batches = () => api.listAll(url, 200);
    const valid = { name: 'Valid', pageIds: pages, browsers: ['chromium'], viewports: ['desktop'] };
    await api.create(url, valid);
    const cases: [unknown, number, RegExp][] = [
      [{ ...valid, name: 'B', pageIds: [] }, 400, /pageIds: needs at least one page id/],
      [{ ...valid, name: 'B', browsers: [] }, 400, /browsers: needs at least one browser/],
      [{ ...valid, name: 'B', viewports: [] }, 400, /viewports: needs at least one viewport/],
      [
        { ...valid, name: 'B', jiraIssue: 'shop 42' },
        400,
        /jiraIssue: must be a JIRA issue key such as ABC-123/,
      ],
      [
        { ...valid, name: 'B', runDiffThreshold: 101 },
        400,
        /runDiffThreshold: must be a percentage between 0 and 100/,
      ],
      [{ ...valid, name: 'B', executionDiffThreshold: '1' }, 400, /executionDiffThreshold/],
      [
        { ...valid, name: 'B', pageIds: [pages[0], pages[0]] },
        400,
        /pageIds: lists a page more than once/,
      ],
      [{ ...valid, name: 'B', extra: true }, 400, /unknown field\(s\), remove: "extra"/],
      [{ ...valid, name: 'x'.repeat(201) }, 400, /name: must be at most 200 characters/],
      [valid, 409, /already has a batch named 'Valid'/],
    ];
    for (const [payload, status, message] of cases) {
      await api.expectRejected(() => api.post(url, payload), status, message, batches);
    }
    await api.expectRejected(() => api.post(url, '[1,'), 400, /not valid JSON/, batches);
    await api.expectRejected(() => api.get('/batches/nope'), 404, /batch 'nope' does not exist/);
    await api.expectRejected(() => api.patch('/batches/nope', { name: 'x' }), 404, /batch 'nope'/);
  });

  it('refuses to delete a page or task a batch uses (409 naming the batch)', async () => {
    const { projectId, pages, tasks } = await seedProject(api, 'In use');
    const batch = await api.create<BatchBody>(`/projects/${projectId}/batches`, {
      name: 'Uses home',
      pageIds: [pages[0]],
      taskIds: [tasks[0]],
      browsers: ['chromium'],
      viewports: ['desktop'],
    });
    const pageError = await api.expectRejected(
      () => api.delete(`/pages/${pages[0]}`),
      409,
      new RegExp(
        `page 'home' is used by batch 'Uses home' \\(id ${batch.id}\\): remove the page from them first`,
      ),
      () => api.get(`/pages/${pages[0]}`),
    );
    expect(pageError.error.details).toEqual({ batches: [{ id: batch.id, name: 'Uses home' }] });
    await api.expectRejected(
      () => api.delete(`/tasks/${tasks[0]}`),
      409,
      /task 'menu' is used by batch 'Uses home'/,
      () => api.get(`/tasks/${tasks[0]}`),
    );
    // Unused ones go.
    expect((await api.delete(`/pages/${pages[1]}`)).status).toBe(204);
    expect((await api.delete(`/tasks/${tasks[1]}`)).status).toBe(204);
    // Once the batch no longer uses them, they can go too.
    await api.patch(`/batches/${batch.id}`, { pageIds: [pages[2]], taskIds: [] });
    expect((await api.delete(`/pages/${pages[0]}`)).status).toBe(204);
    expect((await api.delete(`/tasks/${tasks[0]}`)).status).toBe(204);
  });

  it('deleting a batch removes its runs, baselines and their stored files', async () => {
    const { projectId, pages } = await seedProject(api, 'Batch cascade');
    const batch = await api.create<BatchBody>(`/projects/${projectId}/batches`, {
      name: 'With history',
      pageIds: [pages[0]],
      browsers: ['chromium'],
      viewports: ['desktop'],
    });
    const keeper = await api.create<BatchBody>(`/projects/${projectId}/batches`, {
      name: 'Keeper',
      pageIds: [pages[0]],
      browsers: ['chromium'],
      viewports: ['desktop'],
    });
    const gone = await seedRunWithBaseline(t, projectId, batch.id, pages[0] ?? '');
    const kept = await seedRunWithBaseline(t, projectId, keeper.id, pages[0] ?? '');
    const file = (key: string) => t.app.artifacts.localPath(key) ?? '';
    expect(gone.keys.every((k) => fs.existsSync(file(k)))).toBe(true);

    expect((await api.delete(`/batches/${batch.id}`)).status).toBe(204);
    expect(await countRows(t.app.db, 'runs', batch.id)).toBe(0);
    expect(await countRows(t.app.db, 'baselines', batch.id)).toBe(0);
    expect(gone.keys.some((k) => fs.existsSync(file(k)))).toBe(false);
    // The other batch's history is untouched.
    expect(await countRows(t.app.db, 'runs', keeper.id)).toBe(1);
    expect(await countRows(t.app.db, 'artifacts', projectId)).toBe(kept.keys.length);
    expect(kept.keys.every((k) => fs.existsSync(file(k)))).toBe(true);
  });

  it('deleting a project removes its pages, tasks, batches, runs and files', async () => {
    const { projectId, pages, tasks } = await seedProject(api, 'Project cascade');
    const batch = await api.create<BatchBody>(`/projects/${projectId}/batches`, {
      name: 'Everything',
      pageIds: pages,
      taskIds: tasks,
      browsers: ['chromium'],
      viewports: ['desktop', 'mobile'],
    });
    await api.patch(`/projects/${projectId}/settings`, { defaultWaitMs: 100 });
    const history = await seedRunWithBaseline(t, projectId, batch.id, pages[0] ?? '');
    const survivor = await seedProject(api, 'Project cascade survivor');

    expect((await api.delete(`/projects/${projectId}`)).status).toBe(204);
    for (const id of pages) expect((await api.get(`/pages/${id}`)).status).toBe(404);
    for (const id of tasks) expect((await api.get(`/tasks/${id}`)).status).toBe(404);
    expect((await api.get(`/batches/${batch.id}`)).status).toBe(404);
    expect((await api.get(`/projects/${projectId}/settings`)).status).toBe(404);
    expect(await countRows(t.app.db, 'runs', batch.id)).toBe(0);
    expect(await countRows(t.app.db, 'artifacts', projectId)).toBe(0);
    const file = (key: string) => t.app.artifacts.localPath(key) ?? '';
    expect(history.keys.some((k) => fs.existsSync(file(k)))).toBe(false);
    expect((await api.get(`/pages/${survivor.pages[0]}`)).status).toBe(200);
  });
});
