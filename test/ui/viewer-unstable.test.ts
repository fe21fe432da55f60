import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Execution } from '../../src/client/scene-client.ts';
import { deterministicPaths } from '../fixtures/site/deterministic-pages.ts';
import { startFixtureSite, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import { pollRun, SceneClient } from '../support/scene-client.ts';
import {
  launchChromium,
  openPage,
  startListeningScene,
  type ListeningScene,
} from '../support/ui-server.ts';

// Issue 16, confirm before flagging: a cell whose diff differed between two captures is level
// none with `unstable: true`, and the viewer shows its unstable regions hatched.

describe('viewer of an unstable cell', () => {
  let scene: ListeningScene;
  let site: FixtureSite;
  let browser: Browser;
  let unstable: Execution;

  beforeAll(async () => {
    site = await startFixtureSite();
    scene = await startListeningScene();
    await scene.app.startRunEngine();
    browser = await launchChromium();
    const api = new SceneClient({ server: scene.url });
    const project = await api.createProject({ name: 'Unstable' });
    // A requestAnimationFrame counter in real time: it moves between any two captures.
    const page = await api.createPage(project.id, {
      name: 'raf',
      url: site.url + deterministicPaths.raf,
      freezeTime: false,
    });
    const batch = await api.createBatch(project.id, {
      name: 'b',
      pageIds: [page.id],
      browsers: ['chromium'],
      viewports: ['desktop'],
    });
    expect((await api.getSettings()).confirmChanges).toBe(true); // the default
    await pollRun(api, (await api.launchRun(batch.id, { mode: 'baseline' })).id);
    const compare = await pollRun(api, (await api.launchRun(batch.id, { mode: 'compare' })).id);
    [unstable] = (await api.listExecutions(compare.id)) as [Execution];
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await scene?.close();
    await site?.close();
  });

  it('shows the unstable regions hatched, and counts them', async () => {
    // Unstable: pixels moved between the two captures, and those regions are what the viewer
    // draws. The level may be none or minor: the counter's text always moves, but its progress
    // bar can land on the same pixel in both fresh captures (their timing is alike), and a bar
    // change away from the moving text then stands as a change.
    const { status, diffLevel } = unstable;
    expect({ status, unstable: unstable.unstable }).toEqual({ status: 'finished', unstable: true });
    expect(['none', 'minor']).toContain(diffLevel);
    const count = unstable.unstableRegions?.length ?? 0;
    expect(count).toBeGreaterThan(0);

    const { page, errors } = await openPage(browser);
    await page.goto(`${scene.url}/executions/${unstable.id}`);
    await page.locator('#viewer[data-ready]').waitFor();
    const details = page.locator('dt', { hasText: 'Unstable regions' }).locator('xpath=..');
    await expect(details.locator('dd').textContent()).resolves.toBe(String(count));

    await page.keyboard.press('3'); // the diff, where regions are drawn
    const regions = page.locator('.region.unstable');
    await regions.first().waitFor();
    expect(await regions.count()).toBe(count);
    const style = await regions
      .first()
      .evaluate((element) => [
        getComputedStyle(element).backgroundImage,
        element.getAttribute('title'),
      ]);
    expect(style[0]).toMatch(/repeating-linear-gradient/);
    expect(style[1]).toMatch(/Unstable: differed between two captures/);
    expect(errors).toEqual([]);
  });
});
