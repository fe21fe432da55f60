import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Execution } from '../../src/runs/run.schema.ts';
import { fixturePaths, startFixtureSite, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import { pollRun, SceneClient } from '../support/scene-client.ts';
import {
  launchChromium,
  openPage,
  startListeningScene,
  type ListeningScene,
} from '../support/ui-server.ts';

// Reviewing a run at a glance: outcome filters, bulk approval and its undo on the run page;
// a / r / → in the viewer, with the review controls in view at desktop and phone sizes.

const screenshotDir = process.env['SCENE_UI_SCREENSHOTS'];

async function screenshot(page: Page, name: string): Promise<void> {
  if (screenshotDir) await page.screenshot({ path: `${screenshotDir}/${name}.png` });
}

/** The element's box lies inside the viewport (no scrolling needed to see it). */
async function inViewport(page: Page, selector: string): Promise<boolean> {
  const box = await page.locator(selector).first().boundingBox();
  const viewport = page.viewportSize();
  if (!box || !viewport) return false;
  return (
    box.x >= 0 &&
    box.y >= 0 &&
    box.x + box.width <= viewport.width &&
    box.y + box.height <= viewport.height
  );
}

describe('run review', () => {
  let scene: ListeningScene;
  let site: FixtureSite;
  let browser: Browser;
  let api: SceneClient;
  let batchId: string;

  async function compareRun(): Promise<{ runId: string; executions: Execution[] }> {
    site.setVariant('changed');
    const run = await pollRun(api, (await api.launchRun(batchId, { mode: 'compare' })).id);
    return { runId: run.id, executions: await api.listExecutions(run.id) };
  }

  beforeAll(async () => {
    site = await startFixtureSite();
    scene = await startListeningScene();
    await scene.app.startRunEngine();
    browser = await launchChromium();
    api = new SceneClient({ server: scene.url });
    const project = await api.createProject({ name: 'Review shop' });
    const pages = [];
    for (const [name, path] of [
      ['Home', fixturePaths.home],
      ['Products', fixturePaths.products],
      ['About', fixturePaths.about],
    ] as const) {
      pages.push(await api.createPage(project.id, { name, url: `${site.url}${path}` }));
    }
    const batch = await api.createBatch(project.id, {
      browsers: ['chromium'],
      viewports: ['desktop'],
      name: 'Review',
      pageIds: pages.map((p) => p.id),
    });
    batchId = batch.id;
    site.setVariant('original');
    await pollRun(api, (await api.launchRun(batchId, { mode: 'baseline' })).id);
    // Added after the baseline: a new cell.
    const menu = await api.createPage(project.id, {
      name: 'Menu',
      url: `${site.url}${fixturePaths.menu}`,
    });
    await api.ok('PATCH', `/batches/${batchId}`, { pageIds: [...pages.map((p) => p.id), menu.id] });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await scene?.close();
    await site?.close();
  });

  it('filters a run to its major changes, bulk-approves them, and undoes that', async () => {
    const { runId, executions } = await compareRun();
    const majors = executions.filter((e) => e.diffLevel === 'major');
    expect(majors.length).toBeGreaterThan(0);
    const { page, errors } = await openPage(browser);
    await page.goto(`${scene.url}/runs/${runId}`);
    const filters = page.getByRole('navigation', { name: 'Filter by outcome' });
    await expect(filters.locator('[data-outcome="major"] .count').textContent()).resolves.toBe(
      String(majors.length),
    );
    await expect(filters.locator('[data-outcome="new"] .count').textContent()).resolves.toBe('1');
    await expect(page.locator('#review-progress').textContent()).resolves.toMatch(
      /^0 of \d+ changes reviewed$/,
    );
    // Changed cells show their diff.
    const homeCard = page.locator('.exec-card').filter({ hasText: 'Home' });
    await expect(homeCard.locator('.thumb').getAttribute('data-thumb')).resolves.toBe('diff');

    await filters.locator('[data-outcome="major"]').click();
    await page.waitForURL(/outcome=major/);
    await expect(page.locator('.exec-card').count()).resolves.toBe(majors.length);
    await page.getByRole('link', { name: 'Sort by diff %' }).click();
    await page.waitForURL(/sort=diff/);
    await screenshot(page, 'run-filtered-major');
    await page.getByRole('button', { name: `Approve ${majors.length} major change` }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Approved ${majors.length} change` })
      .waitFor();
    await page.waitForURL(/outcome=major/);
    for (const major of majors) {
      await page.locator(`#exec-${major.id}`).getByText('Approved').waitFor();
    }
    let after = await api.listExecutions(runId);
    expect(
      after
        .filter((e) => e.approved)
        .map((e) => e.id)
        .sort(),
    ).toEqual(majors.map((e) => e.id).sort());
    await screenshot(page, 'run-after-bulk-approve');

    await page.getByRole('button', { name: /^Undo last bulk approval/ }).click();
    await page.getByRole('status').filter({ hasText: 'Bulk approval undone' }).waitFor();
    await page.getByRole('button', { name: `Approve ${majors.length} major change` }).waitFor();
    after = await api.listExecutions(runId);
    expect(after.filter((e) => e.approved)).toEqual([]);
    expect(after.every((e) => e.review.status === 'unreviewed')).toBe(true);
    expect(errors).toEqual([]);
  }, 120_000);

  it('reviews three changes with a, r and → only', async () => {
    const { runId, executions } = await compareRun();
    const changes = executions.filter(
      (e) => e.noBaseline === true || e.diffLevel === 'major' || e.diffLevel === 'minor',
    );
    expect(changes.length).toBe(3);
    const { page, errors } = await openPage(browser, { width: 1280, height: 800 });
    await page.goto(`${scene.url}/executions/${changes[0]?.id}`);
    await page.locator('#viewer[data-ready]').waitFor();
    const verdicts = ['a', 'r', 'a'] as const;
    for (const [index, key] of verdicts.entries()) {
      const change = changes[index];
      if (!change) throw new Error('missing change');
      await page.getByRole('heading', { name: change.pageName, level: 1 }).waitFor();
      await page.locator('#viewer[data-ready]').waitFor();
      await page.keyboard.press(key);
      await page
        .locator(`#approve-panel [data-review="${key === 'a' ? 'approved' : 'rejected'}"]`)
        .waitFor();
      if (index < verdicts.length - 1) await page.keyboard.press('ArrowRight');
    }
    await expect(page.locator('#approve-panel').textContent()).resolves.toContain(
      '3 of 3 changes reviewed',
    );
    const reviewed = new Map((await api.listExecutions(runId)).map((e) => [e.id, e]));
    expect(changes.map((c) => reviewed.get(c.id)?.review.status)).toEqual([
      'approved',
      'rejected',
      'approved',
    ]);
    expect(reviewed.get(changes[1]?.id ?? '')?.approved).toBe(false);
    await page.goto(`${scene.url}/runs/${runId}`);
    await expect(page.locator('#review-progress').textContent()).resolves.toBe(
      '3 of 3 changes reviewed',
    );
    await page.locator(`#exec-${changes[1]?.id}`).getByText('Rejected').waitFor();
    expect(errors).toEqual([]);
  }, 120_000);

  it('keeps approve and reject in view at 1280×800 and 390 px, also when scrolled', async () => {
    const { executions } = await compareRun();
    const home = executions.find((e) => e.pageName === 'Home');
    for (const [name, viewport] of [
      ['desktop', { width: 1280, height: 800 }],
      ['phone', { width: 390, height: 844 }],
    ] as const) {
      const { page, errors } = await openPage(browser, viewport);
      await page.goto(`${scene.url}/executions/${home?.id}`);
      await page.locator('#viewer[data-ready]').waitFor();
      expect(await inViewport(page, '[data-review-action="approve"]'), name).toBe(true);
      expect(await inViewport(page, '[data-review-action="reject"]'), name).toBe(true);
      await screenshot(page, `viewer-${name}`);
      await page.mouse.wheel(0, 1500);
      await page.waitForFunction(() => window.scrollY > 0);
      expect(await inViewport(page, '[data-review-action="approve"]'), `${name} scrolled`).toBe(
        true,
      );
      await screenshot(page, `viewer-${name}-scrolled`);
      expect(errors).toEqual([]);
      await page.context().close();
    }
  }, 120_000);

  it('lists the batch’s baselines and shows a cell’s history side by side; revert restores an earlier image', async () => {
    // The review test above approved Home once: its cell has had two images.
    const { page, errors } = await openPage(browser);
    await page.goto(`${scene.url}/batches/${batchId}/baselines`);
    const row = page.locator('tr[data-baseline]');
    await expect(row.count()).resolves.toBe(1);
    await expect(row.locator('td').nth(3).textContent()).resolves.toBe('4');
    await row.locator('a').first().click();
    await page.getByRole('link', { name: /^Home · chromium · desktop$/ }).click();
    await page.getByRole('heading', { name: 'History of Home · chromium · desktop' }).waitFor();
    const entries = page.locator('.history-entry');
    const count = await entries.count();
    expect(count).toBeGreaterThanOrEqual(2);
    await page
      .locator('.history-entry img')
      .last()
      .evaluate(
        (img: HTMLImageElement) =>
          img.complete ||
          new Promise((resolve) => {
            img.addEventListener('load', resolve, { once: true });
          }),
      );
    // Side by side: the images start on one line.
    const tops = await entries.evaluateAll((items) =>
      items.map((item) => Math.round(item.getBoundingClientRect().top)),
    );
    expect(new Set(tops).size).toBe(1);
    await screenshot(page, 'baseline-history');
    const oldest = await entries.last().getAttribute('data-entry');
    await entries.last().getByRole('button', { name: 'Revert to this image' }).click();
    await page.getByRole('status').filter({ hasText: 'Reverted' }).waitFor();
    await expect(entries.count()).resolves.toBe(count + 1);
    const history = await api.baselineHistory(
      (await api.listBaselines({ batchId }))[0]?.id ?? '',
      (await api.listExecutions((await api.listRuns({ batchId })).items[0]?.id ?? ''))[0]
        ?.matrixKey ?? '',
    );
    expect(history[0]?.current).toBe(true);
    expect(history.find((e) => e.id === oldest)?.current).toBe(false);
    expect(errors).toEqual([]);
  }, 120_000);
});
