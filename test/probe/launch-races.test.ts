import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dialects, type TestApp } from '../support/test-app.ts';
import { createBatch, injectClient, type SceneClient } from '../support/scene-client.ts';

/**
 * A launch of a batch at the moment its batch or project is deleted: the deletion wins or the
 * launch does (201, and the deletion then takes the new run with it), or the launch finds the
 * batch gone (404). On Postgres the project deletion and the launch locked rows in opposite
 * orders (batch then project, project then batch): "deadlock detected", a 500, nearly every time.
 */
describe.each(dialects)('launching a batch while it is deleted (%s)', (dialect) => {
  const rounds = 10;
  let t: TestApp;
  let api: SceneClient;

  beforeAll(async () => {
    // No run engine: launched runs stay queued; only the rows matter here.
    t = await createTestApp(dialect, { SCENE_EMBEDDED_WORKER: 'false' });
    api = injectClient(t.server);
  });
  afterAll(() => t.close());

  const seed = () =>
    createBatch(api, {
      pages: [
        { name: 'a', url: 'https://site.test/a' },
        { name: 'b', url: 'https://site.test/b' },
      ],
    });

  it.each(['project', 'batch'] as const)('while its %s is deleted', async (target) => {
    for (let round = 0; round < rounds; round++) {
      const { projectId, batchId } = await seed();
      await api.launchRun(batchId, { mode: 'baseline' });
      const deletion = target === 'project' ? `/projects/${projectId}` : `/batches/${batchId}`;
      const [deleted, ...launches] = await Promise.all([
        api.request('DELETE', deletion),
        api.request('POST', `/batches/${batchId}/runs`, { mode: 'baseline' }),
        api.request('POST', `/batches/${batchId}/runs`, { mode: 'compare' }),
      ]);
      expect(deleted?.status, deleted?.text).toBe(204);
      for (const launch of launches) {
        expect([201, 404, 422], launch.text).toContain(launch.status);
      }
      // Whatever was launched went with the deletion.
      const left = await api.listAll<{ id: string }>(`/runs?batchId=${batchId}`);
      expect(left).toEqual([]);
    }
  });
});
