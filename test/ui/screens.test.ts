import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePaths, startFixtureSite, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import { pollRun, SceneClient } from '../support/scene-client.ts';
import {
  launchChromium,
  openPage,
  startListeningScene,
  type ListeningScene,
} from '../support/ui-server.ts';

/** Screenshots of every screen, for review; kept under test-results/ui-screens/. */
const outDir = path.resolve('test-results/ui-screens');
const widths = [
  { width: 1280, height: 900 },
  { width: 390, height: 844 },
];

/** What a user at this width would notice: a page wider than the window, text cut off. */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    if (document.documentElement.scrollWidth > window.innerWidth + 1) {
      problems.push(
        `page is ${document.documentElement.scrollWidth}px wide in a ${window.innerWidth}px window`,
      );
    }
    for (const element of document.querySelectorAll<HTMLElement>(
      'h1, h2, .button, .badge, label, .tabs a',
    )) {
      const style = getComputedStyle(element);
      if (
        style.display === 'none' ||
        element.closest('[hidden], .table-wrap, .tabs, .visually-hidden, dialog:not([open])')
      )
        continue;
      if (element.scrollWidth > element.clientWidth + 1 && style.overflow !== 'visible') {
        problems.push(
          `clipped: ${element.tagName} "${element.textContent?.trim().slice(0, 40) ?? ''}"`,
        );
      }
    }
    return problems;
  });
}

describe('every screen at 1280 and 390 px', () => {
  let scene: ListeningScene;
  let site: FixtureSite;
  let browser: Browser;
  const shots: { name: string; url: string; prepare?: (page: Page) => Promise<void> }[] = [];

  beforeAll(async () => {
    fs.mkdirSync(outDir, { recursive: true });
    site = await startFixtureSite();
    scene = await startListeningScene();
    await scene.app.startRunEngine();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await scene?.close();
    await site?.close();
  });

  async function capture(name: string, url: string, prepare?: (page: Page) => Promise<void>) {
    shots.push({ name, url });
    for (const viewport of widths) {
      const { page, errors } = await openPage(browser, viewport);
      await page.goto(`${scene.url}${url}`);
      await page.waitForLoadState('load');
      if (prepare) await prepare(page);
      // Images and the live list settle (no wall-clock assertion: only for the screenshot).
      await page.waitForTimeout(400);
      await page.screenshot({
        path: path.join(outDir, `${name}-${viewport.width}.png`),
        fullPage: true,
      });
      expect(await layoutProblems(page), `${name} at ${viewport.width}px`).toEqual([]);
      expect(errors, `${name} at ${viewport.width}px`).toEqual([]);
      await page.context().close();
    }
  }

  it('renders the empty states', async () => {
    const api = new SceneClient({ server: scene.url });
    await capture('projects-empty', '/projects');
    await capture('runs-empty', '/runs');
    const project = await api.createProject({ name: 'Empty project' });
    await capture('pages-empty', `/projects/${project.id}/pages`);
    await capture('tasks-empty', `/projects/${project.id}/tasks`);
    await capture('batches-empty', `/projects/${project.id}/batches`);
    await capture('project-runs-empty', `/projects/${project.id}/runs`);
    await capture('not-found', '/projects/does-not-exist/pages');
    await capture('unknown-address', '/no-such-page');
    await api.ok('DELETE', `/projects/${project.id}`);

    // an unknown address: a page for a browser, the JSON error for an API client
    const page = await fetch(`${scene.url}/no-such-page`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('there is no page at /no-such-page');
    const api404 = await fetch(`${scene.url}/api/v1/no-such-thing`, {
      headers: { accept: 'text/html' },
    });
    expect(api404.status).toBe(404);
    expect(await api404.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('renders every populated screen, modal and form error', async () => {
    const api = new SceneClient({ server: scene.url });
    const project = await api.createProject({
      name: 'Storefront with a rather long project name to see wrapping',
    });
    await api.ok('PATCH', `/projects/${project.id}`, {
      description: 'Marketing site and shop. Staging is compared against production every night.',
    });
    const home = await api.createPage(project.id, {
      name: 'Home',
      url: `${site.url}/`,
      referenceUrl: `${site.url}/about`,
      actions: [{ type: 'waitForTimeout', ms: 10 }],
      hideSelectors: ['#ad-slot'],
      basicAuth: { username: 'scene', password: 'secret' },
    });
    const products = await api.createPage(project.id, {
      name: 'Products',
      url: `${site.url}${fixturePaths.products}`,
    });
    const tall = await api.createPage(project.id, {
      name: 'Tall page',
      url: `${site.url}${fixturePaths.tall}`,
    });
    const task = await api.ok<{ id: string }>('POST', `/projects/${project.id}/tasks`, {
      name: 'Open menu',
      actions: [
        { type: 'click', selector: '#menu-button' },
        { type: 'waitForSelector', selector: '#menu' },
      ],
    });
    const batch = await api.createBatch(project.id, {
      browsers: ['chromium'],
      name: 'Nightly',
      pageIds: [home.id, products.id, tall.id],
      viewports: ['desktop', 'mobile'],
      jiraIssue: 'SHOP-42',
    });
    await api.createBatch(project.id, {
      browsers: ['chromium'],
      viewports: ['desktop'],
      name: 'With task',
      pageIds: [home.id],
      taskIds: [task.id],
    });
    site.setVariant('original');
    const baseline = await api.launchRun(batch.id, { mode: 'baseline' });
    await pollRun(api, baseline.id);
    site.setVariant('changed');
    const compare = await api.launchRun(batch.id, { mode: 'compare' });
    await pollRun(api, compare.id);
    const executions = await api.listExecutions(compare.id);
    const changed =
      executions.find((e) => e.diffLevel === 'major') ??
      executions.find((e) => e.diffLevel === 'minor');
    if (!changed) throw new Error(`the compare run found no change: ${JSON.stringify(executions)}`);

    await capture('projects', '/projects');
    await capture('pages', `/projects/${project.id}/pages`);
    await capture('page-modal', `/projects/${project.id}/pages`, async (page) => {
      await page.getByRole('button', { name: 'Edit page Home' }).click();
      await page.getByRole('dialog').waitFor();
    });
    await capture('page-modal-errors', `/projects/${project.id}/pages`, async (page) => {
      await page.getByRole('button', { name: 'New page' }).click();
      await page.getByRole('dialog').getByRole('button', { name: '+ Add step' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Create page' }).click();
      await page.getByRole('dialog').locator('.field-error').first().waitFor();
    });
    await capture('tasks', `/projects/${project.id}/tasks`);
    await capture('batches', `/projects/${project.id}/batches`);
    await capture('batch-modal', `/projects/${project.id}/batches`, async (page) => {
      await page.getByRole('button', { name: 'New batch' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Create batch' }).click();
      await page.getByRole('dialog').locator('.field-error').first().waitFor();
    });
    await capture('project-runs', `/projects/${project.id}/runs`);
    await capture('project-settings', `/projects/${project.id}/settings`);
    await capture('project-webhooks', `/projects/${project.id}/webhooks`);
    await capture('runs', '/runs');
    await capture('run-detail', `/runs/${compare.id}`);
    await capture('viewer', `/executions/${changed.id}`, async (page) => {
      await page.locator('#viewer[data-ready]').waitFor();
    });
    await capture('viewer-slider', `/executions/${changed.id}?mode=slider`);
    await capture('viewer-side-by-side', `/executions/${changed.id}?mode=side-by-side`);
    await capture('settings', '/settings');
    await capture('audit', '/audit');
    await capture('confirm-delete', `/projects/${project.id}/batches`, async (page) => {
      await page.getByRole('button', { name: 'Delete batch Nightly' }).click();
      await page.getByRole('dialog', { name: 'Are you sure?' }).waitFor();
    });
    fs.writeFileSync(path.join(outDir, 'index.json'), JSON.stringify(shots, null, 2));
  }, 300_000);

  it('escapes user text everywhere it is shown', async () => {
    const api = new SceneClient({ server: scene.url });
    const evil = '<img src=x onerror="window.sceneXss=1">';
    const project = await api.createProject({ name: `XSS ${evil}` });
    const page1 = await api.createPage(project.id, { name: `Page ${evil}`, url: `${site.url}/` });
    await api.ok('POST', `/projects/${project.id}/tasks`, { name: `Task ${evil}` });
    await api.createBatch(project.id, {
      browsers: ['chromium'],
      viewports: ['desktop'],
      name: `Batch ${evil}`,
      pageIds: [page1.id],
    });
    const { page } = await openPage(browser);
    for (const url of [
      '/projects',
      `/projects/${project.id}/pages`,
      `/projects/${project.id}/tasks`,
      `/projects/${project.id}/batches`,
      '/audit',
      '/runs',
    ]) {
      await page.goto(`${scene.url}${url}`);
      await page.waitForLoadState('load');
      await expect(
        page.evaluate(() => 'sceneXss' in window),
        url,
      ).resolves.toBe(false);
      await expect(page.locator('img[src=x]').count(), url).resolves.toBe(0);
    }
    await page.goto(`${scene.url}/projects/${project.id}/pages`);
    await page.getByText(`Page ${evil}`).waitFor();
  });
});
