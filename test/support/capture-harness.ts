import { BrowserPool } from '../../src/capture/browser-pool.ts';
import type { RunEngineOptions } from '../../src/runs/run-engine.ts';
import { startFixtureSite, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import { injectClient, type SceneClient } from './scene-client.ts';
import { createTestApp, type Dialect, type TestApp } from './test-app.ts';

/** A Scene whose runs progress: real Chromium capturing the fixture site, the API by inject. */
export interface CaptureHarness {
  site: FixtureSite;
  t: TestApp;
  api: SceneClient;
  pool: BrowserPool;
  close(): Promise<void>;
}

export async function startCaptureHarness(
  dialect: Dialect,
  engine: Partial<RunEngineOptions> = {},
): Promise<CaptureHarness> {
  const site = await startFixtureSite();
  const t = await createTestApp(dialect);
  const pool = new BrowserPool();
  // Launched up front, so that no execution timeout includes the browser's start.
  await pool.acquire('chromium');
  await t.app.startRunEngine({ pool, checkIntervalMs: 100, ...engine });
  return {
    site,
    t,
    api: injectClient(t.server),
    pool,
    async close() {
      await t.close();
      await site.close();
    },
  };
}
