import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePaths, startFixtureSite, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import { SceneClient } from '../support/scene-client.ts';
import {
  launchChromium,
  openPage,
  startListeningScene,
  type ListeningScene,
} from '../support/ui-server.ts';

// Issue 17 in the browser: the page form's capture scope, and a reference run launched from the
// launcher whose viewer shows the diff figures and the reference beside the observed capture.

describe('capture scope and reference runs in the UI', () => {
  let scene: ListeningScene;
  let site: FixtureSite;
  let browser: Browser;
  let api: SceneClient;
  beforeAll(async () => {
    site = await startFixtureSite();
    scene = await startListeningScene();
    await scene.app.startRunEngine();
    browser = await launchChromium();
    api = new SceneClient({ server: scene.url });
  });
  afterAll(async () => {
    await browser?.close();
    await scene?.close();
    await site?.close();
  });

  it('sets a page’s element capture in the page form, refusing elements without selectors', async () => {
    const project = await api.createProject({ name: 'Form scopes' });
    const { page, errors } = await openPage(browser);
    await page.goto(`${scene.url}/projects/${project.id}/pages`);
    await page.getByRole('button', { name: 'New page' }).click();
    const dialog = page.getByRole('dialog', { name: 'New page' });
    await dialog.getByLabel('Name', { exact: true }).fill('Home');
    await dialog.getByLabel('URL', { exact: true }).fill(`${site.url}/`);
    await dialog.getByLabel('Capture', { exact: true }).selectOption('elements');
    await dialog.getByRole('button', { name: 'Create page' }).click();
    await dialog.getByText('the elements scope needs at least one CSS selector').waitFor();
    await dialog.getByLabel('Element selectors').fill('#ad-slot\n#title');
    await dialog.getByRole('button', { name: 'Create page' }).click();
    await page.getByRole('status').filter({ hasText: 'Page "Home" created' }).waitFor();
    const [created] = await api.listPages(project.id);
    expect(created?.capture).toEqual({ scope: 'elements', selectors: ['#ad-slot', '#title'] });

    // Editing shows the stored scope, and switching to viewport drops the selectors.
    await page.getByRole('button', { name: 'Edit page Home' }).click();
    const edit = page.getByRole('dialog');
    await expect(edit.getByLabel('Capture', { exact: true }).inputValue()).resolves.toBe(
      'elements',
    );
    await expect(edit.getByLabel('Element selectors').inputValue()).resolves.toBe(
      '#ad-slot\n#title',
    );
    await edit.getByLabel('Capture', { exact: true }).selectOption('viewport');
    await edit.getByRole('button', { name: /Save/ }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /saved|updated/i })
      .waitFor();
    expect((await api.getPage(created?.id ?? '')).capture).toEqual({ scope: 'viewport' });
    expect(errors).toEqual([]);
  }, 120_000);

  it('counts one execution per element selector in the batches panel and the launcher', async () => {
    const project = await api.createProject({ name: 'Element counts' });
    const elements = await api.createPage(project.id, {
      name: 'Cards',
      url: `${site.url}/`,
      capture: { scope: 'elements', selectors: ['#title', '#ad-slot'] },
    });
    const plain = await api.createPage(project.id, { name: 'Plain', url: `${site.url}/` });
    const batch = await api.createBatch(project.id, {
      name: 'Mixed',
      pageIds: [elements.id, plain.id],
      browsers: ['chromium'],
      viewports: ['desktop', 'mobile'],
    });
    // (2 element captures + 1 page) × 1 browser × 2 viewports.
    const { page, errors } = await openPage(browser);
    await page.goto(`${scene.url}/projects/${project.id}/batches`);
    await page.locator(`#batch-${batch.id}`).getByText('6 executions per run').waitFor();
    await page.getByRole('link', { name: 'Run batch Mixed' }).click();
    await page.locator('#launcher').getByText('6 executions', { exact: true }).waitFor();
    expect(errors).toEqual([]);
  }, 120_000);

  it('launches a reference run from the launcher; its viewer shows the level, the figures and reference beside observed', async () => {
    const project = await api.createProject({ name: 'Staging vs production' });
    const home = await api.createPage(project.id, {
      name: 'Home',
      url: site.url + fixturePaths.home,
      referenceUrl: site.url + fixturePaths.about,
    });
    const batch = await api.createBatch(project.id, {
      name: 'Compare with prod',
      pageIds: [home.id],
      browsers: ['chromium'],
      viewports: ['desktop'],
    });
    const { page, errors } = await openPage(browser);
    await page.goto(`${scene.url}/runs?projectId=${project.id}&batchId=${batch.id}#launch`);
    await page.getByRole('radio', { name: 'Reference (URL vs reference URL)' }).check();
    await page.getByText('captured at both URLs').waitFor();
    await page.getByRole('button', { name: 'Launch run' }).click();
    const row = page.locator('[data-run-row]').first();
    await row.getByText('Reference').waitFor();
    await row.locator('[data-status="finished"]').waitFor({ timeout: 60_000 });
    await row.locator('[data-diff="major"]').waitFor();

    const [run] = (await api.listRuns({ batchId: batch.id })).items;
    expect(run?.mode).toBe('reference');
    // The run page gives the diff levels and figures, like a compare run's.
    await page.goto(`${scene.url}/runs/${run?.id ?? ''}`);
    await page.getByText('Largest change').waitFor();
    await page.getByText('0 none · 0 minor · 1 major').waitFor();
    const [cell] = await api.listExecutions(run?.id ?? '');
    await page.goto(`${scene.url}/executions/${cell?.id ?? ''}`);
    await page.locator('.title-badges [data-diff="major"]').waitFor();
    const metrics = page.locator('#metrics');
    await metrics.getByText('Differing pixels').waitFor();
    await expect(
      metrics
        .getByText(/\d+(\.\d+)?%/)
        .first()
        .isVisible(),
    ).resolves.toBe(true);
    await page.getByRole('button', { name: /Side by side/ }).click();
    await page.locator('[data-stage="left"]').getByText('Reference', { exact: true }).waitFor();
    await expect(page.locator('[data-stage="left"] img').getAttribute('src')).resolves.toBe(
      cell?.artifacts.reference,
    );
    await expect(page.locator('[data-stage="right"] img').getAttribute('src')).resolves.toBe(
      cell?.artifacts.screenshot,
    );
    await page.getByRole('button', { name: /Reference vs observed/ }).click();
    await expect(
      page.getByRole('button', { name: /Reference vs observed/ }).getAttribute('aria-pressed'),
    ).resolves.toBe('true');
    expect(errors).toEqual([]);
  }, 120_000);

  it('turns on a batch’s video recording in the batch form', async () => {
    const project = await api.createProject({ name: 'Videos' });
    const home = await api.createPage(project.id, { name: 'Home', url: `${site.url}/` });
    const batch = await api.createBatch(project.id, {
      name: 'Nightly',
      pageIds: [home.id],
      browsers: ['chromium'],
      viewports: ['desktop'],
    });
    expect(batch.recordVideo).toBe(false);
    const { page, errors } = await openPage(browser);
    await page.goto(`${scene.url}/projects/${project.id}/batches`);
    await page.getByRole('button', { name: 'Edit batch Nightly' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('checkbox', { name: 'Record a video of each execution' }).check();
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(async () => (await api.getBatch(batch.id)).recordVideo).toBe(true);
    expect(errors).toEqual([]);
  }, 60_000);
});
