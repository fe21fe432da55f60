import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool } from '../../src/capture/browser-pool.ts';
import { fixturePaths, startFixtureSite, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import { browserPid } from '../support/browser-pid.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import {
  createBatch,
  injectClient,
  pollExecutions,
  pollRun,
  type SceneClient,
} from '../support/scene-client.ts';

// The browser process is killed (SIGKILL, the test's own Chromium only) while several captures
// open their pages in it: the engine relaunches it, the interrupted executions are retried in it
// (a transient fault), and the run ends; the next run captures normally. The
// newContext/newPage calls in flight at the kill stayed pending: those executions hung until
// the execution timeout and the run failed.

describe('a browser killed mid-run (sqlite)', () => {
  let site: FixtureSite;
  let t: TestApp;
  let api: SceneClient;
  let pool: BrowserPool;

  beforeAll(async () => {
    site = await startFixtureSite();
    t = await createTestApp('sqlite');
    api = injectClient(t.server);
    // Not launched up front: the kill lands while the first captures open their pages.
    pool = new BrowserPool();
    await t.app.startRunEngine({ pool, checkIntervalMs: 100 });
    await api.ok('PATCH', '/settings', { maxConcurrentExecutions: 4 });
  });
  afterAll(async () => {
    await t.close();
    await site.close();
  });

  it(
    'relaunches, retries the interrupted cells and ends the run',
    { timeout: 150_000 },
    async () => {
      const { batchId } = await createBatch(api, {
        pages: ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => ({
          name: n,
          url: `${site.url}${fixturePaths.slow}?page=${n}`,
        })),
      });
      const run = await api.launchRun(batchId, { mode: 'baseline' });
      // All four slots start at once, each opening its page in the browser being launched.
      await pollExecutions(api, run.id, (items) => items.some((e) => e.status === 'running'));
      process.kill(await browserPid(await pool.acquire('chromium')), 'SIGKILL');
      const ended = await pollRun(api, run.id);
      const executions = await api.listExecutions(run.id);
      const outcomes = executions.map((e) => `${e.status} attempt ${e.attempt} ${e.error ?? ''}`);
      expect(ended.status, outcomes.join('\n')).toBe('finished');
      // Each cell was retried in the relaunched browser: within its attempt when the kill caught
      // it opening its page, as a new attempt when later; none failed.
      expect(
        executions.every((e) => e.status === 'finished' && e.attempt <= 2),
        outcomes.join('\n'),
      ).toBe(true);
      const next = await api.launchRun(batchId, { mode: 'compare' });
      expect((await pollRun(api, next.id)).status).toBe('finished');
    },
  );
});
