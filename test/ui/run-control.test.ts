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

describe('run controls', () => {
  let scene: ListeningScene;
  let site: FixtureSite;
  let browser: Browser;
  let api: SceneClient;
  let batchId: string;

  beforeAll(async () => {
    site = await startFixtureSite();
    scene = await startListeningScene();
    await scene.app.startRunEngine();
    browser = await launchChromium();
    api = new SceneClient({ server: scene.url });
    const project = await api.createProject({ name: 'Slow shop' });
    // A page that never answers keeps the run running until someone cancels it.
    const hung = await api.createPage(project.id, {
      name: 'Hung',
      url: `${site.url}${fixturePaths.hung}`,
    });
    const about = await api.createPage(project.id, {
      name: 'About',
      url: `${site.url}${fixturePaths.about}`,
    });
    batchId = (
      await api.createBatch(project.id, {
        browsers: ['chromium'],
        viewports: ['desktop'],
        name: 'Slow',
        pageIds: [hung.id, about.id],
      })
    ).id;
  });
  afterAll(async () => {
    await browser?.close();
    await scene?.close();
    await site?.close();
  });

  it('cancels a running run from its page, shows why in plain words, retries and deletes it', async () => {
    const run = await api.launchRun(batchId, { mode: 'baseline' });
    const { page, errors } = await openPage(browser);
    await page.goto(`${scene.url}/runs/${run.id}`);
    await page.locator('#run-badges [data-status="running"]').waitFor({ timeout: 30_000 });
    await expect(page.getByText('Live', { exact: true }).isVisible()).resolves.toBe(true);
    // The About cell finishes live while Hung keeps running.
    await page
      .locator('.exec-card')
      .filter({ hasText: 'About' })
      .locator('[data-status="finished"]')
      .waitFor({ timeout: 30_000 });
    await expect(
      page
        .locator('.exec-card')
        .filter({ hasText: 'Hung' })
        .locator('[data-status="running"]')
        .isVisible(),
    ).resolves.toBe(true);

    await page.getByRole('button', { name: 'Cancel run' }).click();
    const confirm = page.getByRole('dialog', { name: 'Are you sure?' });
    await confirm.getByText(/Cancel run #/).waitFor();
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Run #\w+ cancelled/ })
      .waitFor();
    await page.locator('#run-badges [data-status="cancelled"]').waitFor();
    await page.getByText('The run was cancelled by a user.').waitFor();
    await page
      .locator('.exec-card')
      .filter({ hasText: 'Hung' })
      .getByText('cancelled by a user')
      .waitFor();
    await expect(page.getByRole('button', { name: 'Cancel run' }).count()).resolves.toBe(0);
    await page
      .locator('#run-log-lines')
      .getByText(/run cancelled: by a user/)
      .waitFor();
    expect((await api.getRun(run.id)).status).toBe('cancelled');

    // Retry re-queues the cancelled cell; cancel again, then delete the run.
    await page.getByRole('button', { name: /Retry 1 failed or cancelled/ }).click();
    await page.getByRole('status').filter({ hasText: 'Retrying' }).waitFor();
    await page
      .locator('#run-badges [data-status="running"], #run-badges [data-status="queued"]')
      .first()
      .waitFor();
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    await page.locator('#run-badges [data-status="cancelled"]').waitFor();
    await page.getByRole('button', { name: 'Delete run' }).click();
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    await page.waitForURL(/\/projects\/\w+\/runs$/);
    await page
      .getByRole('status')
      .filter({ hasText: /Run #\w+ deleted/ })
      .waitFor();
    await page.getByText('No runs yet').waitFor();
    expect(errors).toEqual([]);
  });

  it('finds a running run with the status filter on a phone-sized screen and cancels it', async () => {
    const run = await api.launchRun(batchId, { mode: 'baseline' });
    const { page, errors } = await openPage(browser, { width: 390, height: 844 });
    await page.goto(`${scene.url}/runs?status=running`);
    const row = page.locator(`#run-${run.id}`);
    await row.locator('[data-status="running"]').waitFor({ timeout: 30_000 });
    await row.getByRole('link').first().click();
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page
      .getByRole('dialog', { name: 'Are you sure?' })
      .getByRole('button', { name: 'Confirm' })
      .click();
    await page.locator('#run-badges [data-status="cancelled"]').waitFor();
    await page.goBack();
    await page.reload();
    await page.getByText('No runs match these filters').waitFor();
    expect(errors).toEqual([]);
  });
});
