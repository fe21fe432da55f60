import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SceneClient } from '../support/scene-client.ts';
import { launchChromium, startListeningScene, type ListeningScene } from '../support/ui-server.ts';

describe('settings and audit log', () => {
  let scene: ListeningScene;
  let browser: Browser;
  beforeAll(async () => {
    scene = await startListeningScene();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await scene?.close();
  });

  it('validates settings at the field, refuses removing a viewport in use, shows local times, and audits it all', async () => {
    const api = new SceneClient({ server: scene.url });
    const project = await api.createProject({ name: 'Settings shop' });
    const page1 = await api.createPage(project.id, { name: 'Home', url: 'https://shop.example/' });
    await api.createBatch(project.id, {
      browsers: ['chromium'],
      name: 'Uses mobile',
      pageIds: [page1.id],
      viewports: ['mobile'],
    });

    // A browser in India (UTC+05:30) makes local times easy to tell from UTC.
    const context = await browser.newContext({
      timezoneId: 'Asia/Kolkata',
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    await page.goto(`${scene.url}/settings`);
    await page.getByLabel('Viewport 1: Width (px)').fill('50');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Viewport 1: width: width must be between 100 and 10000').waitFor();
    await expect(
      page.getByLabel('Viewport 1: Width (px)').getAttribute('aria-invalid'),
    ).resolves.toBe('true');
    await page.getByLabel('Viewport 1: Width (px)').fill('1280');

    // Removing the viewport a batch uses is refused with the batch named.
    await page.getByRole('button', { name: 'Remove viewport 2' }).click();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText(/viewport 'mobile' is used by batch 'Uses mobile'/).waitFor();

    // A valid change: a new viewport, local timestamps.
    await page.goto(`${scene.url}/settings`);
    await page.getByRole('button', { name: '+ Add viewport' }).click();
    await page.getByLabel('New viewport: Name').fill('tablet');
    await page.getByLabel('New viewport: Width (px)').fill('768');
    await page.getByLabel('New viewport: Height (px)').fill('1024');
    // A device in one click: the Pixel preset fills a row with its size, ratio, touch, agent.
    await page.getByRole('button', { name: /^\+ Pixel 8/ }).click();
    await page.getByLabel('Show times in').selectOption('local');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Settings saved' }).waitFor();
    await expect(page.getByLabel('Viewport 3: Name').inputValue()).resolves.toBe('tablet');
    await expect(page.getByLabel('Viewport 4: Pixel ratio').inputValue()).resolves.toBe('3');
    const pixel = (await api.getSettings()).viewports.find((v) => v.name === 'Pixel 8');
    expect(pixel).toMatchObject({ width: 412, height: 915, deviceScaleFactor: 3, isMobile: true });
    expect(pixel?.userAgent).toMatch(/Android/);

    // Timestamps now render in the browser's zone.
    await page.goto(`${scene.url}/projects`);
    await expect(page.locator('time[data-ts]').first().textContent()).resolves.toMatch(
      /UTC\+05:30$/,
    );

    // A project can override one setting and inherit the rest.
    await page.goto(`${scene.url}/projects/${project.id}/settings`);
    const concurrency = page.getByRole('region', { name: 'Concurrency' });
    await concurrency.getByLabel('Override for this project').check();
    await concurrency.getByLabel('Executions at once').fill('2');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Settings of "Settings shop" saved' })
      .waitFor();
    await expect(
      page
        .getByRole('region', { name: 'Concurrency' })
        .getByLabel('Override for this project')
        .isChecked(),
    ).resolves.toBe(true);
    await expect(
      page
        .getByRole('region', { name: 'Run timeout' })
        .getByLabel('Override for this project')
        .isChecked(),
    ).resolves.toBe(false);

    // The audit log shows both changes, filtered by entity.
    await page.goto(`${scene.url}/audit`);
    await page.getByLabel('Entity', { exact: true }).selectOption('settings');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/entityType=settings/);
    const rows = page.locator('#audit-table > tbody > tr');
    await expect(rows.count()).resolves.toBe(2);
    await expect(
      rows.first().getByText('1 field: maxConcurrentExecutions').isVisible(),
    ).resolves.toBe(true);
    await rows
      .nth(1)
      .getByText(/fields?:/)
      .click();
    await expect(
      rows.nth(1).getByRole('rowheader', { name: 'timestampDisplay' }).isVisible(),
    ).resolves.toBe(true);

    await page.getByLabel('Project').selectOption({ label: 'Settings shop' });
    await page.getByLabel('Entity', { exact: true }).selectOption('');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/projectId=/);
    // The project, its page, its batch and its settings override.
    await expect(page.locator('#audit-table > tbody > tr').count()).resolves.toBe(4);
    expect(errors).toEqual([]);
    await context.close();
  });
});
