import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool } from '../../src/capture/browser-pool.ts';
import { fixturePaths, startFixtureSite, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import { createScratchDatabase } from '../support/postgres.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { openScene, type OpenScene } from '../support/test-app.ts';
import {
  createBatch,
  injectClient,
  pollExecutions,
  pollRun,
  type SceneClient,
} from '../support/scene-client.ts';

// A Postgres outage in the middle of a run: Scene talks to its database through a TCP proxy
// this test owns, which drops every connection and refuses new ones for a few seconds. Job
// handlers fail to claim, to read their inputs and to record their outcomes meanwhile; once the
// database is back, every execution must end recorded, without a restart.

describe('a database outage during a run (postgres)', () => {
  let site: FixtureSite;
  let proxy: TcpProxy;
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let scene: OpenScene;
  let api: SceneClient;
  let pool: BrowserPool;
  let dataDir: string;

  beforeAll(async () => {
    site = await startFixtureSite();
    scratch = await createScratchDatabase();
    const target = new URL(scratch.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(scratch.url);
    viaProxy.port = String(proxy.port);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-outage-'));
    scene = await openScene({
      SCENE_DATA_DIR: dataDir,
      SCENE_DATABASE_URL: viaProxy.toString(),
    });
    api = injectClient(scene.server);
    pool = new BrowserPool();
    await pool.acquire('chromium');
    // A lease longer than the test: the run must end through the retries of the jobs and of
    // their outcomes, not through a takeover after the lease expires.
    await scene.app.startRunEngine({ pool, checkIntervalMs: 100, lease: { leaseMs: 3_600_000 } });
  });
  afterAll(async () => {
    await proxy.restore();
    await scene.close();
    await pool.close();
    await proxy.close();
    await scratch.drop();
    await site.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  // Outage, backoff and recovery of a whole run: 23 s alone, past a minute under a full CI's load.
  it(
    'delays the run but strands nothing: every execution ends recorded once the database is back',
    { timeout: 240_000 },
    async () => {
      await api.ok('PATCH', '/settings', { maxConcurrentExecutions: 4 });
      const pages = Array.from({ length: 8 }, (_, i) => ({
        name: `page ${i}`,
        // 1 s pages: captures are in flight when the database goes away, and some end during it.
        url: `${site.url}${fixturePaths.slow}?ms=${600 + 100 * i}&n=${i}`,
      }));
      const { batchId } = await createBatch(api, { pages, viewports: ['desktop', 'mobile'] });
      const run = await api.launchRun(batchId, { mode: 'baseline' });
      await pollExecutions(api, run.id, (items) => items.some((e) => e.status === 'running'));

      await proxy.cut();
      // A few seconds without a database: captures end, claims and outcomes cannot be written.
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      await proxy.restore();

      const ended = await pollRun(api, run.id, undefined, 120_000);
      expect(ended).toMatchObject({
        status: 'finished',
        summary: { total: 16, finished: 16, failed: 0, cancelled: 0, queued: 0, running: 0 },
      });
      const executions = await api.listExecutions(run.id);
      for (const e of executions) {
        expect(e.artifacts.screenshot).toBeDefined();
        const shot = await scene.server.inject({ url: e.artifacts.screenshot ?? '' });
        expect(shot.statusCode).toBe(200);
      }
      // The outage was seen and waited out, not silently skipped.
      expect(scene.logs.join('')).toMatch(/ECONNREFUSED|Connection terminated/);
    },
  );
});
