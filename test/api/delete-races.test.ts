import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dialects, type TestApp } from '../support/test-app.ts';

/**
 * Ten clients delete the same resource at once through the real HTTP server: exactly one gets
 * 204 and writes the audit entry, the nine others get 404 and write nothing. (Postgres, under
 * READ COMMITTED, let every transaction that read the row before the winner committed go on
 * to "delete" it: eight 204s and eight audit entries.)
 */
describe.each(dialects)('concurrent deletes on %s', (dialect) => {
  const concurrency = 10;
  const iterations = 6;
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    // No run engine: launched runs stay queued until the test cancels them.
    t = await createTestApp(dialect, { SCENE_EMBEDDED_WORKER: 'false' });
    await t.server.listen({ host: '127.0.0.1', port: 0 });
    const address = t.server.server.address();
    if (address === null || typeof address !== 'object') throw new Error('not listening');
    base = `http://127.0.0.1:${address.port}/api/v1`;
  });
  afterAll(() => t.close());

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }
  const create = (path: string, body: unknown) => call<{ id: string }>('POST', path, body);

  /** A project with a page, a task, a batch over them, a cancelled run and its baseline. */
  async function seed(): Promise<Record<string, string>> {
    const suffix = Math.random().toString(36).slice(2, 10);
    const project = await create('/projects', { name: `race ${suffix}` });
    const page = await create(`/projects/${project.id}/pages`, {
      name: 'home',
      url: 'https://site.test/',
    });
    const task = await create(`/projects/${project.id}/tasks`, { name: 'menu' });
    const batch = await create(`/projects/${project.id}/batches`, {
      name: 'nightly',
      pageIds: [page.id],
      taskIds: [task.id],
      browsers: ['chromium'],
      viewports: ['desktop'],
    });
    const webhook = await create(`/projects/${project.id}/webhooks`, {
      url: 'https://hooks.test/scene',
    });
    const run = await call<{ id: string; baselineId: string }>(
      'POST',
      `/batches/${batch.id}/runs`,
      { mode: 'baseline' },
    );
    await call('POST', `/runs/${run.id}/cancel`);
    return {
      project: project.id,
      page: page.id,
      task: task.id,
      batch: batch.id,
      webhook: webhook.id,
      run: run.id,
      baseline: run.baselineId,
    };
  }

  async function deleteConcurrently(
    path: string,
    entityType: string,
    entityId: string,
  ): Promise<void> {
    const statuses = await Promise.all(
      Array.from({ length: concurrency }, async () => {
        const response = await fetch(`${base}${path}`, { method: 'DELETE' });
        await response.arrayBuffer();
        return response.status;
      }),
    );
    expect(
      statuses.filter((s) => s === 204),
      `${path}: ${statuses.join(',')}`,
    ).toHaveLength(1);
    expect(
      statuses.filter((s) => s === 404),
      `${path}: ${statuses.join(',')}`,
    ).toHaveLength(concurrency - 1);
    const audit = await call<{ items: { action: string }[] }>(
      'GET',
      `/audit?entityType=${entityType}&entityId=${entityId}&limit=200`,
    );
    expect(audit.items.filter((e) => e.action === 'delete')).toHaveLength(1);
  }

  const targets = [
    ['project', 'projects'],
    ['webhook', 'webhooks'],
    ['run', 'runs'],
    ['baseline', 'baselines'],
    ['batch', 'batches'],
    ['page', 'pages'],
    ['task', 'tasks'],
  ] as const;

  it.each(targets)('a %s is deleted exactly once', async (entityType, collection) => {
    for (let i = 0; i < iterations; i++) {
      const ids = await seed();
      // What uses the target goes first (a page or task in a batch cannot be deleted).
      if (entityType === 'baseline') await call('DELETE', `/runs/${ids.run}`);
      if (entityType === 'page' || entityType === 'task') {
        await call('DELETE', `/batches/${ids.batch}`);
      }
      const id = ids[entityType] ?? '';
      await deleteConcurrently(`/${collection}/${id}`, entityType, id);
    }
  });
});
