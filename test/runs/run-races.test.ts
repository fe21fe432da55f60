import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool } from '../../src/capture/browser-pool.ts';
import type { Execution, Run } from '../../src/runs/run.schema.ts';
import { fixturePaths, startFixtureSite, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import { createTestApp, dialects, type TestApp } from '../support/test-app.ts';
import {
  createBatch,
  injectClient,
  pollExecutions,
  pollRun,
  type SceneClient,
} from '../support/scene-client.ts';

// Retries and cancels of the same run, fired at once, many times over, with real captures in
// flight. Whatever the interleaving, the run must end and no execution may stay running.
// The execution lease is made far longer than the test, so that a stuck execution cannot be
// rescued by a lease takeover: the transitions themselves must be right.

const rounds = 8;
const isTerminal = (status: string) =>
  status === 'finished' || status === 'failed' || status === 'cancelled';

describe.each(dialects)('concurrent retry and cancel of one run (%s)', (dialect) => {
  let site: FixtureSite;
  let t: TestApp;
  let api: SceneClient;
  let pool: BrowserPool;

  beforeAll(async () => {
    site = await startFixtureSite();
    t = await createTestApp(dialect);
    api = injectClient(t.server);
    pool = new BrowserPool();
    await pool.acquire('chromium');
    await t.app.startRunEngine({ pool, checkIntervalMs: 100, lease: { leaseMs: 3_600_000 } });
    await api.ok('PATCH', '/settings', { maxConcurrentExecutions: 4 });
  });
  afterAll(async () => {
    await t.close();
    await site.close();
  });

  it(`ends every time (${rounds} rounds of 10 retries and 10 cancels at once)`, async () => {
    const { batchId } = await createBatch(api, {
      pages: [fixturePaths.home, fixturePaths.about, fixturePaths.products, fixturePaths.menu].map(
        (p, i) => ({ name: `page ${i}`, url: site.url + p }),
      ),
    });
    let run = await api.launchRun(batchId, { mode: 'baseline' });
    await api.ok('POST', `/runs/${run.id}/cancel`);
    for (let round = 0; round < rounds; round++) {
      run = await pollRun(api, run.id);
      const executions = await api.listExecutions(run.id);
      if (!executions.some((e) => e.status === 'failed' || e.status === 'cancelled')) {
        // Everything finished: a new run, cancelled, gives the next round cells to retry.
        run = await api.launchRun(batchId, { mode: 'baseline' });
        await api.ok('POST', `/runs/${run.id}/cancel`);
        continue;
      }
      const requests = Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? api.request('POST', `/runs/${run.id}/retry`)
          : api.request('POST', `/runs/${run.id}/cancel`),
      );
      const statuses = (await Promise.all(requests)).map((r) => r.status);
      // Each request either did its change or was refused as a conflict; none failed.
      expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
      const ended = await pollRun(api, run.id, (r) => isTerminal(r.status), 30_000);
      const after: Execution[] = await pollExecutions(
        api,
        run.id,
        (items) => items.every((e) => isTerminal(e.status)),
        30_000,
      );
      expect(isTerminal(ended.status)).toBe(true);
      expect(after.filter((e) => !isTerminal(e.status))).toEqual([]);
    }
    const final: Run = await pollRun(api, run.id);
    expect(final.summary.running + final.summary.queued).toBe(0);
  });
});
