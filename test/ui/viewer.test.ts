import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureSite, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import { pollRun, SceneClient } from '../support/scene-client.ts';
import {
  launchChromium,
  openPage,
  startListeningScene,
  type ListeningScene,
} from '../support/ui-server.ts';

/** The images the user can see in the main stage, by layer name. */
function visibleLayers(page: Page): Promise<string[]> {
  return page.$$eval('[data-stage="main"] img[data-layer]', (images) =>
    images
      .filter((img) => getComputedStyle(img).display !== 'none' && !img.closest('[hidden]'))
      .map((img) => img.getAttribute('data-layer') ?? ''),
  );
}

describe('execution viewer', () => {
  let scene: ListeningScene;
  let site: FixtureSite;
  let browser: Browser;
  let compareRunId: string;
  let homeExecutionId: string;

  beforeAll(async () => {
    site = await startFixtureSite();
    scene = await startListeningScene();
    await scene.app.startRunEngine();
    browser = await launchChromium();
    const api = new SceneClient({ server: scene.url });
    const project = await api.createProject({ name: 'Viewer shop' });
    const home = await api.createPage(project.id, {
      name: 'Home',
      url: `${site.url}/`,
      referenceUrl: `${site.url}/about`,
    });
    const about = await api.createPage(project.id, { name: 'About', url: `${site.url}/about` });
    const batch = await api.createBatch(project.id, {
      browsers: ['chromium'],
      viewports: ['desktop'],
      name: 'Viewer',
      pageIds: [home.id, about.id],
    });
    const baseline = await api.launchRun(batch.id, { mode: 'baseline' });
    await pollRun(api, baseline.id);
    site.setVariant('changed');
    const compare = await api.launchRun(batch.id, { mode: 'compare' });
    await pollRun(api, compare.id);
    compareRunId = compare.id;
    const executions = await api.listExecutions(compare.id);
    homeExecutionId = executions.find((e) => e.pageName === 'Home')?.id ?? '';
  });
  afterAll(async () => {
    await browser?.close();
    await scene?.close();
    await site?.close();
  });

  it('switches every mode by button and by key, zooms, and jumps between changed regions', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${scene.url}/executions/${homeExecutionId}`);
    await page.locator('#viewer[data-ready]').waitFor();
    await expect(page.getByText('Major change').first().isVisible()).resolves.toBe(true);
    // A change opens on the diff.
    expect(await visibleLayers(page)).toEqual(['diff']);

    const modes = page.getByRole('toolbar', { name: 'View mode' });
    const cases: [string, string, string[]][] = [
      ['Observed', '1', ['observed']],
      ['Baseline', '2', ['baseline']],
      ['Diff', '3', ['diff']],
      ['Heatmap', '4', ['heatmap']],
      ['Slider', '6', ['baseline', 'observed']],
      ['Onion skin', '7', ['baseline', 'observed']],
      ['Reference vs observed', '8', ['reference', 'observed']],
    ];
    for (const [label, key, layers] of cases) {
      await modes.getByRole('button', { name: label, exact: true }).click();
      await expect(
        modes.getByRole('button', { name: label, exact: true }).getAttribute('aria-pressed'),
      ).resolves.toBe('true');
      expect(await visibleLayers(page), label).toEqual(layers);
      await page.keyboard.press(key === '1' ? '2' : '1');
      await page.keyboard.press(key);
      expect(await visibleLayers(page), `key ${key}`).toEqual(layers);
    }

    // Side by side: two panes, scrolled together.
    await page.keyboard.press('5');
    await expect(page.locator('[data-pair]').isVisible()).resolves.toBe(true);
    await expect(page.locator('[data-stage="main"]').isVisible()).resolves.toBe(false);
    await expect(
      page.getByRole('img', { name: 'Baseline screenshot (side by side)' }).isVisible(),
    ).resolves.toBe(true);
    await expect(
      page.getByRole('img', { name: 'Observed screenshot (side by side)' }).isVisible(),
    ).resolves.toBe(true);

    // Slider: dragging the divider moves the clip of the observed layer.
    await page.keyboard.press('6');
    await expect(
      page.getByLabel('Divider position (percent from the left)').isVisible(),
    ).resolves.toBe(true);
    const stage = page.locator('[data-canvas]');
    const box = await stage.boundingBox();
    if (!box) throw new Error('the stage has no box');
    await page.mouse.move(box.x + box.width * 0.5, box.y + 50);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.25, box.y + 50, { steps: 4 });
    await page.mouse.up();
    const divider = Number(
      await page.getByLabel('Divider position (percent from the left)').inputValue(),
    );
    expect(divider).toBeGreaterThan(20);
    expect(divider).toBeLessThan(30);
    await expect(
      page.locator('img[data-layer="observed"]').evaluate((img) => img.style.clipPath),
    ).resolves.toBe(`inset(0px 0px 0px ${divider}%)`);

    // Onion skin: the opacity control fades the observed layer.
    await page.keyboard.press('7');
    await page.getByLabel('Opacity of the observed screenshot (percent)').fill('20');
    await expect(
      page.locator('img[data-layer="observed"]').evaluate((img) => img.style.opacity),
    ).resolves.toBe('0.2');

    // Changed regions: next / previous with a counter, by button and by key.
    await page.keyboard.press('3');
    const regions = await page.locator('.region').count();
    expect(regions).toBeGreaterThan(1);
    await page.getByRole('button', { name: 'Next change' }).click();
    await expect(page.locator('#change-counter').textContent()).resolves.toBe(
      `Change 1 of ${regions}`,
    );
    await expect(page.locator('.region.current').count()).resolves.toBe(1);
    await page.keyboard.press('n');
    await expect(page.locator('#change-counter').textContent()).resolves.toBe(
      `Change 2 of ${regions}`,
    );
    await page.keyboard.press('p');
    await expect(page.locator('#change-counter').textContent()).resolves.toBe(
      `Change 1 of ${regions}`,
    );
    await page.getByRole('button', { name: 'Previous change' }).click();
    await expect(page.locator('#change-counter').textContent()).resolves.toBe(
      `Change ${regions} of ${regions}`,
    );

    // Zoom: 1:1 shows the image at its own size, fit squeezes it into the stage.
    await page.getByRole('button', { name: '1:1' }).click();
    const actual = await page
      .locator('img[data-layer="diff"]')
      .evaluate((img: HTMLImageElement) => [img.clientWidth, img.naturalWidth]);
    expect(actual[0]).toBe(actual[1]);
    await page.keyboard.press('z');
    await expect(
      page.getByRole('button', { name: 'Fit width' }).getAttribute('aria-pressed'),
    ).resolves.toBe('true');

    // Metrics are shown.
    await expect(page.locator('#metrics').getByText('Differing pixels').isVisible()).resolves.toBe(
      true,
    );
    expect(errors).toEqual([]);
  });

  it('approves a change, steps through executions with the arrow keys and goes back with Esc', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${scene.url}/executions/${homeExecutionId}`);
    await page.locator('#viewer[data-ready]').waitFor();
    await page.getByRole('button', { name: 'Approve as baseline' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Approved: this screenshot is now the baseline image' })
      .waitFor();
    await page.locator('#approve-panel').getByText('Approved').first().waitFor();

    await page.keyboard.press('ArrowRight');
    await page.getByRole('heading', { name: 'About', level: 1 }).waitFor();
    await page.locator('#viewer[data-ready]').waitFor();
    await expect(page.getByText('No change').first().isVisible()).resolves.toBe(true);
    await page.keyboard.press('ArrowLeft');
    await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
    await page.locator('#viewer[data-ready]').waitFor();
    await expect(
      page.locator('#approve-panel').getByText('Approved').first().isVisible(),
    ).resolves.toBe(true);
    await page.keyboard.press('Escape');
    await page.waitForURL(new RegExp(`/runs/${compareRunId}$`));
    await page.locator(`.exec-card`).filter({ hasText: 'Home' }).getByText('Approved').waitFor();
    expect(errors).toEqual([]);
  });
});
