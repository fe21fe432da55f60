import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool } from '../../src/capture/browser-pool.ts';
import type { Execution } from '../../src/runs/run.schema.ts';
import { fixturePaths, startFixtureSite, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import { createBatch, injectClient, pollRun, type SceneClient } from '../support/scene-client.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

// Issue 18 end to end: one batch over Chromium and Firefox (Debian's firefox-esr, driven over
// WebDriver BiDi) — baseline, then compare: unchanged pages are `none` and changed ones `major`
// in both browsers, each compared with its own browser's baseline.

let site: FixtureSite;
let t: TestApp;
let api: SceneClient;
let pool: BrowserPool;

beforeAll(async () => {
  site = await startFixtureSite();
  t = await createTestApp('sqlite');
  pool = new BrowserPool();
  // Launched up front, so that no execution timeout below includes a browser's start.
  await Promise.all([pool.launched('chromium'), pool.launched('firefox')]);
  await t.app.startRunEngine({ pool, checkIntervalMs: 100 });
  api = injectClient(t.server);
}, 120_000);

afterAll(async () => {
  await t.close();
  await pool.close();
  await site.close();
});

function cells(executions: Execution[]): Record<string, Execution> {
  return Object.fromEntries(executions.map((e) => [`${e.browser} ${e.pageName}`, e]));
}

describe('runs in Chromium and Firefox', () => {
  it('baseline, then compare: unchanged → none, changed → major, in both browsers', async () => {
    await api.updateSettings({ browsers: ['chromium', 'firefox'] });
    site.setVariant('original');
    const { batchId } = await createBatch(api, {
      pages: [
        { name: 'home', url: site.url + fixturePaths.home },
        { name: 'about', url: site.url + fixturePaths.about },
        { name: 'products', url: site.url + fixturePaths.products },
      ],
      browsers: ['chromium', 'firefox'],
      // The price change on /products is a few hundred pixels: major above 0.005 %.
      executionDiffThreshold: 0.005,
    });

    const baseline = await pollRun(api, (await api.launchRun(batchId, { mode: 'baseline' })).id);
    expect(baseline).toMatchObject({ status: 'finished', summary: { finished: 6 } });
    for (const e of await api.listExecutions(baseline.id)) {
      expect(e, `${e.browser} ${e.pageName}`).toMatchObject({
        status: 'finished',
        httpStatus: 200,
      });
      expect(e.environment?.browser).toBe(e.browser);
    }
    const recorded = cells(await api.listExecutions(baseline.id));
    expect(recorded['firefox home']?.environment?.browserVersion).toMatch(/^\d+\.\d+/);

    const unchanged = await pollRun(api, (await api.launchRun(batchId, { mode: 'compare' })).id);
    expect(unchanged).toMatchObject({
      status: 'finished',
      summary: { finished: 6, none: 6, diffLevel: 'none' },
    });
    for (const e of await api.listExecutions(unchanged.id)) {
      expect(e, `${e.browser} ${e.pageName}`).toMatchObject({ diffLevel: 'none', diffPercent: 0 });
      expect(e.environmentDrift ?? []).toEqual([]);
    }

    site.setVariant('changed');
    const changed = await pollRun(api, (await api.launchRun(batchId, { mode: 'compare' })).id);
    expect(changed).toMatchObject({
      status: 'finished',
      summary: { finished: 6, none: 2, major: 4, diffLevel: 'major' },
    });
    const byCell = cells(await api.listExecutions(changed.id));
    for (const browser of ['chromium', 'firefox']) {
      expect(byCell[`${browser} about`]).toMatchObject({ diffLevel: 'none' });
      expect(byCell[`${browser} home`]).toMatchObject({ diffLevel: 'major' });
      expect(byCell[`${browser} products`]).toMatchObject({ diffLevel: 'major' });
    }
  }, 300_000);
});
