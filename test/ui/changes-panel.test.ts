import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changePaths } from '../fixtures/site/change-pages.ts';
import { startFixtureSite, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import { createBatch, pollRun, SceneClient } from '../support/scene-client.ts';
import {
  launchChromium,
  openPage,
  startListeningScene,
  type ListeningScene,
} from '../support/ui-server.ts';

/** Where the panel's screenshots go, for review by eye (SCENE_SHOTS_DIR; default a tmp dir). */
const shotsDir = process.env['SCENE_SHOTS_DIR'] ?? '/tmp/scene-changes-panel';

/**
 * Issue 15 in the viewer: the Changes panel lists a compare's changes in words (the root cause
 * first, the elements it pushed grouped under it); hovering one outlines the element on the
 * image; the aligned diff is a mode; the run page shows the summary line.
 */
describe('changes panel', () => {
  let scene: ListeningScene;
  let site: FixtureSite;
  let browser: Browser;
  let executionId: string;
  let runId: string;

  beforeAll(async () => {
    site = await startFixtureSite();
    scene = await startListeningScene();
    await scene.app.startRunEngine();
    browser = await launchChromium();
    const api = new SceneClient({ server: scene.url });
    const { batchId } = await createBatch(api, {
      pages: [{ name: 'Heading', url: site.url + changePaths.heading }],
    });
    await pollRun(api, (await api.launchRun(batchId, { mode: 'baseline' })).id);
    site.setVariant('changed');
    const compare = await pollRun(api, (await api.launchRun(batchId, { mode: 'compare' })).id);
    runId = compare.id;
    const [execution] = await api.listExecutions(compare.id);
    executionId = execution?.id ?? '';
    mkdirSync(shotsDir, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser.close();
    await scene.close();
    await site.close();
  });

  it.each([1280, 390])('lists the changes and outlines the hovered one at %i px', async (width) => {
    const { page, errors } = await openPage(browser, { width, height: 900 });
    await page.goto(`${scene.url}/executions/${executionId}`);
    await page.waitForSelector('#viewer[data-ready="true"]');
    const items = page.locator('#changes .change-list > li > .change-item');
    await expect(items.first().textContent()).resolves.toMatch(/Restyled\s*h2#create/);
    await expect(
      page.locator('#changes .change-followers > summary').first().textContent(),
    ).resolves.toMatch(/^\d+ elements moved down \d+ px/);
    await expect(page.locator('#changes .change-summary').textContent()).resolves.toContain(
      'font-size 26px → 30px',
    );
    await items.first().hover();
    await expect(page.locator('[data-outlines="main"] .outline').count()).resolves.toBe(2);
    await page.locator('#changes').screenshot({ path: `${shotsDir}/changes-panel-${width}.png` });
    await page.screenshot({ path: `${shotsDir}/viewer-${width}.png`, fullPage: false });
    await page.locator('[data-mode-button="aligned"]').click();
    await expect(page.locator('#viewer').getAttribute('data-mode')).resolves.toBe('aligned');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows the summary on the run page', async () => {
    const { page, errors } = await openPage(browser, { width: 1280, height: 900 });
    await page.goto(`${scene.url}/runs/${runId}`);
    await expect(page.locator('.exec-changes').first().textContent()).resolves.toContain(
      'h2#create',
    );
    await page.screenshot({ path: `${shotsDir}/run-page-1280.png` });
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
