import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool } from '../../src/capture/browser-pool.ts';
import type { Execution, Run } from '../../src/runs/run.schema.ts';
import {
  deterministicPaths,
  noisyPaths,
  recordTestVideo,
} from '../fixtures/site/deterministic-pages.ts';
import { startFixtureSite, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { injectClient, pollRun, type SceneClient } from '../support/scene-client.ts';

// Issue 16 end to end: pages that move with time, randomness and media give `none` on every
// cell of every compare once the browser freezes them; the opt-out brings the false alarms
// back (so the freeze is what works); real changes are still caught; confirm-before-flagging
// turns what moves between two captures into `none` with `unstable: true`.

const stablePages = [...noisyPaths, deterministicPaths.stable];

let site: FixtureSite;
let t: TestApp;
let api: SceneClient;
let pool: BrowserPool;

beforeAll(async () => {
  site = await startFixtureSite();
  t = await createTestApp('sqlite');
  pool = new BrowserPool();
  const browser = await pool.acquire('chromium');
  const page = await browser.newPage();
  try {
    site.setVideo(await recordTestVideo(page));
  } finally {
    await page.close();
  }
  await t.app.startRunEngine({ pool, checkIntervalMs: 100 });
  api = injectClient(t.server);
});

afterAll(async () => {
  await t.close();
  await pool.close();
  await site.close();
});

async function batchOf(
  paths: readonly string[],
  batch: Record<string, unknown>,
): Promise<{ batchId: string }> {
  const project = await api.ok<{ id: string }>('POST', '/projects', {
    name: `project-${Math.random().toString(36).slice(2, 10)}`,
  });
  const pageIds: string[] = [];
  for (const path of paths) {
    const page = await api.ok<{ id: string }>('POST', `/projects/${project.id}/pages`, {
      name: path,
      url: site.url + path,
    });
    pageIds.push(page.id);
  }
  const created = await api.ok<{ id: string }>('POST', `/projects/${project.id}/batches`, {
    name: 'deterministic',
    pageIds,
    browsers: ['chromium'],
    ...batch,
  });
  return { batchId: created.id };
}

async function runOf(batchId: string, mode: 'baseline' | 'compare'): Promise<Run> {
  const run = await pollRun(api, (await api.launchRun(batchId, { mode })).id, undefined, 300_000);
  expect(run.status, JSON.stringify(run.summary)).toBe('finished');
  return run;
}

function cellName(e: Execution): string {
  return `${e.pageName} @ ${e.viewport.name}`;
}

async function setConfirm(confirmChanges: boolean): Promise<void> {
  await api.ok('PATCH', '/settings', { confirmChanges });
}

describe('deterministic pages through runs', () => {
  it(
    'gives none on every cell of three compares at two viewports; real changes are caught',
    { timeout: 600_000 },
    async () => {
      // Confirm-before-flagging off: the freeze alone must make the pages stable.
      await setConfirm(false);
      site.setVariant('original');
      const { batchId } = await batchOf(stablePages, {
        viewports: ['desktop', 'mobile'],
        executionDiffThreshold: 0.5,
      });
      await runOf(batchId, 'baseline');
      for (let i = 0; i < 3; i++) {
        const compare = await runOf(batchId, 'compare');
        const flagged = (await api.listExecutions(compare.id))
          .filter((e) => e.diffLevel !== 'none' || e.unstable === true)
          .map(cellName);
        expect(flagged, `compare ${i + 1}`).toEqual([]);
        expect(compare.summary).toMatchObject({ none: stablePages.length * 2, diffLevel: 'none' });
      }

      // The heading of the Date page, the GIF's colours and a one-level colour change of a stable
      // block: caught at both viewports, and still caught with confirmation on (the same in both
      // captures).
      site.setVariant('changed');
      const changedPages = [
        deterministicPaths.date,
        deterministicPaths.gif,
        deterministicPaths.stable,
      ];
      for (const confirm of [false, true]) {
        await setConfirm(confirm);
        const compare = await runOf(batchId, 'compare');
        const executions = await api.listExecutions(compare.id);
        const flagged = executions
          .filter((e) => e.diffLevel !== 'none')
          .map(cellName)
          .sort();
        const expected = changedPages
          .flatMap((path) => [`${path} @ desktop`, `${path} @ mobile`])
          .sort();
        expect(flagged, `confirm ${confirm}`).toEqual(expected);
        expect(executions.filter((e) => e.unstable === true).map(cellName)).toEqual([]);
      }
      site.setVariant('original');
    },
  );

  it(
    'flags the same pages with the opt-out; confirmation reports them unstable, not changed',
    { timeout: 600_000 },
    async () => {
      await setConfirm(false);
      const { batchId } = await batchOf(noisyPaths, {
        viewports: ['desktop'],
        freezeTime: false,
        seedRandom: false,
      });
      const baseline = await runOf(batchId, 'baseline');
      const log = (await api.runLog(baseline.id)).map((l) => l.message).join('\n');
      expect(log).toContain('time runs (freezeTime off)');
      expect(log).toContain('randomness unseeded (seedRandom off)');

      // Looping media can land on the baseline's frame by chance (more often on a loaded
      // machine, where playback starts late): each page must be flagged in at least one of up to
      // six compares, stopping once all are.
      const flaggedSomewhere = new Set<string>();
      for (let i = 0; i < 6 && flaggedSomewhere.size < noisyPaths.length; i++) {
        const compare = await runOf(batchId, 'compare');
        for (const e of await api.listExecutions(compare.id)) {
          if (e.diffLevel === 'minor' || e.diffLevel === 'major') flaggedSomewhere.add(e.pageName);
        }
      }
      expect([...flaggedSomewhere].sort()).toEqual([...noisyPaths].sort());

      // Confirm before flagging: what differs between two captures is unstable, level none.
      await setConfirm(true);
      const confirmed = await runOf(batchId, 'compare');
      const cells = Object.fromEntries(
        (await api.listExecutions(confirmed.id)).map((e) => [e.pageName, e]),
      );
      // Not asserted for every page: looping media may show the same frame in both captures by
      // chance, and "checked 1 seconds ago" may differ from the baseline while equal in two
      // captures a second apart (both are then a change that stands).
      for (const path of [deterministicPaths.raf, deterministicPaths.random]) {
        expect(cells[path], path).toMatchObject({ diffLevel: 'none', unstable: true });
        expect(cells[path]?.unstableRegions?.length ?? 0, path).toBeGreaterThan(0);
        expect(cells[path]?.artifacts.diff, path).toBeDefined();
      }
      const confirmLog = (await api.runLog(confirmed.id)).map((l) => l.message).join('\n');
      expect(confirmLog).toMatch(/differ between the two captures: unstable, not a change/);
    },
  );

  it('lets a page opt out on its own', async () => {
    const project = await api.ok<{ id: string }>('POST', '/projects', { name: 'page opt-out' });
    const page = await api.ok<{ id: string; freezeTime: boolean; seedRandom: boolean }>(
      'POST',
      `/projects/${project.id}/pages`,
      { name: 'raf', url: site.url + deterministicPaths.raf, freezeTime: false },
    );
    expect(page).toMatchObject({ freezeTime: false, seedRandom: true });
    const batch = await api.ok<{ id: string; frozenTime?: string }>(
      'POST',
      `/projects/${project.id}/batches`,
      {
        name: 'b',
        pageIds: [page.id],
        browsers: ['chromium'],
        viewports: ['desktop'],
        frozenTime: '2030-01-02T03:04:05+01:00',
      },
    );
    expect(batch.frozenTime).toBe('2030-01-02T02:04:05.000Z');
    const run = await runOf(batch.id, 'baseline');
    const log = (await api.runLog(run.id)).map((l) => l.message).join('\n');
    expect(log).toContain('time runs (freezeTime off)');
    expect(log).toContain('Math.random and crypto.getRandomValues seeded');
  });
});
