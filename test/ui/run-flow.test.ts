import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureSite, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import {
  launchChromium,
  openPage,
  startListeningScene,
  type ListeningScene,
} from '../support/ui-server.ts';

/** Marks the window; the mark survives exactly as long as the page is not reloaded. */
async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => Object.assign(window, { sceneNoReload: true }));
}
async function stillSamePage(page: Page): Promise<boolean> {
  return page.evaluate(() => 'sceneNoReload' in window);
}

describe('from an empty Scene to a compare run, in the browser', () => {
  let scene: ListeningScene;
  let site: FixtureSite;
  let browser: Browser;
  beforeAll(async () => {
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

  it('creates project, pages, task and batch, runs a baseline and a compare run that finish live, and filters runs', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${scene.url}/projects`);

    await page.getByRole('button', { name: 'New project' }).click();
    await page.getByRole('dialog').getByLabel('Name', { exact: true }).fill('Fixture shop');
    await page.getByRole('dialog').getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('heading', { name: 'Fixture shop', level: 1 }).waitFor();

    // Pages: an invalid URL is refused at its field, then two pages are added.
    await page.getByRole('button', { name: 'New page' }).click();
    let dialog = page.getByRole('dialog', { name: 'New page' });
    await dialog.getByLabel('Name', { exact: true }).fill('Home');
    await dialog.getByLabel('URL', { exact: true }).fill('not a url');
    await dialog.getByRole('button', { name: 'Create page' }).click();
    await dialog.getByText('must be an absolute http(s) URL').waitFor();
    await expect(
      dialog.getByLabel('URL', { exact: true }).getAttribute('aria-invalid'),
    ).resolves.toBe('true');
    await dialog.getByLabel('URL', { exact: true }).fill(`${site.url}/`);
    await dialog.getByRole('button', { name: 'Create page' }).click();
    await page.getByRole('status').filter({ hasText: 'Page "Home" created' }).waitFor();
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);
    await page.locator('#pages-panel').getByText('Home', { exact: true }).waitFor();

    await page.getByRole('button', { name: 'New page' }).click();
    dialog = page.getByRole('dialog', { name: 'New page' });
    await dialog.getByLabel('Name', { exact: true }).fill('Products');
    await dialog.getByLabel('URL', { exact: true }).fill(`${site.url}/products`);
    await dialog.getByRole('button', { name: '+ Add step' }).click();
    await dialog.getByLabel('New step: type').selectOption('waitForSelector');
    await dialog.getByLabel('New step: selector').fill('#product-2');
    await dialog.getByRole('button', { name: 'Create page' }).click();
    await page.locator('#pages-panel').getByText('Products', { exact: true }).waitFor();
    await page.locator('#pages-panel').getByText('1 step').waitFor();

    // A task with a step that needs a selector it lacks: the error names the step.
    await page.getByRole('link', { name: 'Tasks' }).click();
    await page.getByRole('button', { name: 'New task' }).click();
    dialog = page.getByRole('dialog', { name: 'New task' });
    await dialog.getByLabel('Name', { exact: true }).fill('Open menu');
    await dialog.getByRole('button', { name: '+ Add step' }).click();
    await dialog.getByRole('button', { name: 'Create task' }).click();
    await dialog.getByText('a click action needs a selector').waitFor();
    await dialog.getByLabel('Step 1: selector').fill('#menu-button');
    await dialog.getByRole('button', { name: 'Create task' }).click();
    await page.locator('#tasks-panel').getByText('Open menu').waitFor();

    // A batch of both pages (the task stays out, to keep the run small).
    await page.getByRole('link', { name: 'Batches' }).click();
    await page.getByRole('button', { name: 'New batch' }).click();
    dialog = page.getByRole('dialog', { name: 'New batch' });
    await dialog.getByLabel('Name', { exact: true }).fill('Smoke');
    await dialog.getByRole('button', { name: 'Create batch' }).click();
    await dialog.getByText('needs at least one page id').waitFor();
    await dialog.getByRole('checkbox', { name: 'Home' }).check();
    await dialog.getByRole('checkbox', { name: 'Products' }).check();
    await dialog.getByRole('checkbox', { name: /^mobile/ }).uncheck();
    await dialog.getByLabel('JIRA issue (optional)').fill('SHOP-7');
    await dialog.getByRole('button', { name: 'Create batch' }).click();
    await page.locator('#batches-panel').getByText('2 executions per run').waitFor();

    // Launch a baseline run from the batch's "Run…" link; it finishes without a reload.
    await page.getByRole('link', { name: 'Run batch Smoke' }).click();
    await page.waitForURL(/\/runs\?/);
    await expect(page.getByLabel('Batch', { exact: true }).inputValue()).resolves.not.toBe('');
    await page.getByRole('radio', { name: 'Baseline (record)' }).check();
    await page.getByRole('button', { name: 'Launch run' }).waitFor();
    await markPage(page);
    await page.getByRole('button', { name: 'Launch run' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /launched: Smoke \(baseline, 2 executions\)/ })
      .waitFor();
    const firstRow = page.locator('[data-run-row]').first();
    await firstRow.getByText('Baseline').waitFor();
    await firstRow.locator('[data-status="finished"]').waitFor({ timeout: 60_000 });
    await expect(firstRow.getByText('2 / 2').isVisible()).resolves.toBe(true);
    expect(await stillSamePage(page)).toBe(true);

    // Select the row; it stays selected while the list updates live.
    await firstRow.click();
    await expect(firstRow.getAttribute('data-ui-selected')).resolves.toBe('true');
    const baselineRunId = (await firstRow.getAttribute('id'))?.replace('run-', '');

    // The launcher remembered the batch; compare against the latest baseline.
    site.setVariant('changed');
    await page.getByRole('radio', { name: 'Compare' }).check();
    await page.getByLabel('Compare against').waitFor();
    await page.getByRole('button', { name: 'Launch run' }).click();
    await page.locator('[data-run-row]').nth(1).getByText('Baseline').waitFor();
    const compareRow = page.locator('[data-run-row]').first();
    await compareRow.getByText('Compare').waitFor();
    await compareRow.locator('[data-status="finished"]').waitFor({ timeout: 60_000 });
    await compareRow.locator('[data-diff="major"]').waitFor();
    expect(await stillSamePage(page)).toBe(true);
    await expect(
      page.locator(`#run-${baselineRunId ?? ''}`).getAttribute('data-ui-selected'),
    ).resolves.toBe('true');

    // The launcher remembers the last choice across page loads.
    await page.goto(`${scene.url}/runs`);
    await expect(
      page.getByLabel('Project', { exact: true }).first().locator('option:checked').textContent(),
    ).resolves.toBe('Fixture shop');
    await expect(
      page.getByLabel('Batch', { exact: true }).locator('option:checked').textContent(),
    ).resolves.toBe('Smoke');
    await expect(page.getByRole('radio', { name: 'Compare' }).isChecked()).resolves.toBe(true);

    // Filters: by status and by JIRA key.
    await page.locator('form[role=search]').getByLabel('Status').selectOption('finished');
    await page.locator('form[role=search]').getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/status=finished/);
    await expect(page.locator('[data-run-row]').count()).resolves.toBe(2);
    await page.locator('form[role=search]').getByLabel('Status').selectOption('failed');
    await page.locator('form[role=search]').getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No runs match these filters').waitFor();
    await page.locator('form[role=search]').getByLabel('Status').selectOption('');
    await page.locator('form[role=search]').getByLabel('JIRA issue').fill('OTHER-1');
    await page.locator('form[role=search]').getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No runs match these filters').waitFor();
    await page.locator('form[role=search]').getByLabel('JIRA issue').fill('SHOP-7');
    await page.locator('form[role=search]').getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/jiraIssue=SHOP-7/);
    await expect(page.locator('[data-run-row]').count()).resolves.toBe(2);

    // The compare run's detail page: summary in words and the executions grid.
    await page.locator('[data-run-row]').first().getByRole('link').first().click();
    await page.getByText(/Finished: 2 executions, 2 changed/).waitFor();
    await expect(page.locator('.exec-card').count()).resolves.toBe(2);
    await expect(page.locator('.exec-card img').first().isVisible()).resolves.toBe(true);
    await page.getByRole('heading', { name: 'Run log' }).waitFor();
    await page.locator('#run-log-lines').getByText('run started').waitFor();
    expect(errors).toEqual([]);
  });
});
