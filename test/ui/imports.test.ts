import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startStorybookServer,
  type StorybookServer,
} from '../fixtures/storybook/storybook-server.ts';
import {
  launchChromium,
  openPage,
  startListeningScene,
  type ListeningScene,
} from '../support/ui-server.ts';

// The Import screen: a Storybook by URL with tag filters, a pasted backstop.json; each shows
// its import report under its form, and refusals at the field.

const screenshotDir = process.env['SCENE_UI_SCREENSHOTS'];

async function screenshot(page: Page, name: string): Promise<void> {
  if (screenshotDir)
    await page.screenshot({ path: `${screenshotDir}/${name}.png`, fullPage: true });
}

describe('import UI', { timeout: 120_000 }, () => {
  let scene: ListeningScene;
  let browser: Browser;
  let storybook: StorybookServer;
  beforeAll(async () => {
    [scene, browser, storybook] = await Promise.all([
      startListeningScene(),
      launchChromium(),
      startStorybookServer(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await scene?.close();
    await storybook?.close();
  });

  it('imports a Storybook with tag filters and shows the report', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${scene.url}/projects`);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Import' })
      .click();
    await page.getByRole('heading', { name: 'Import', level: 1 }).waitFor();
    const card = page.locator('#storybook-import');

    // Refused: no URL, then a server with no Storybook (the message at the URL field).
    await card.getByRole('button', { name: 'Import stories' }).click();
    const url = card.getByLabel('Storybook URL');
    await expect.poll(() => url.getAttribute('aria-invalid')).toBe('true');
    await url.fill(`${storybook.url}nothing-here/`);
    await card.getByRole('button', { name: 'Import stories' }).click();
    await card.getByText(/no Storybook index at/).waitFor();

    await card.getByLabel('Storybook URL').fill(storybook.url);
    await card.getByLabel('Project').fill('design-system');
    await card.getByLabel('Skip stories tagged').fill('no-visual, experimental');
    await card.getByRole('button', { name: 'Import stories' }).click();
    const report = card.getByRole('status');
    await report.waitFor();
    await expect(report.textContent()).resolves.toContain(
      '6 stories; 4 added, 0 removed, 4 skipped',
    );
    await expect(
      report.getByText('Components/Card / Animated: tagged no-visual (excluded)').isVisible(),
    ).resolves.toBe(true);
    await expect(report.getByText('Introduction / Docs: docs entry').isVisible()).resolves.toBe(
      true,
    );
    await screenshot(page, 'import-storybook');

    // Importing again without the experimental filter adds the badge.
    await card.getByLabel('Skip stories tagged').fill('no-visual');
    await card.getByRole('button', { name: 'Import stories' }).click();
    await expect.poll(() => card.getByRole('status').textContent()).toContain('1 added, 0 removed');
    await card.getByRole('link', { name: 'Open project design-system' }).click();
    await page.waitForURL(/\/projects\/[a-z0-9]+\/batches$/);
    await expect(page.getByText('storybook', { exact: true }).first().isVisible()).resolves.toBe(
      true,
    );
    expect(errors).toEqual([]);
  });

  it('imports a pasted backstop.json and lists what did not map', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${scene.url}/imports`);
    const card = page.locator('#backstop-import');
    await card.getByLabel('backstop.json').fill('{ not json');
    await card.getByRole('button', { name: 'Import scenarios' }).click();
    await card.getByText(/not JSON/).waitFor();

    const config = fs.readFileSync(
      path.resolve(import.meta.dirname, '../fixtures/backstop/backstop.json'),
      'utf8',
    );
    await card.getByLabel('backstop.json').fill(config.replaceAll(':PORT/', ':9/'));
    await card.getByRole('button', { name: 'Import scenarios' }).click();
    const report = card.getByRole('status');
    await report.waitFor();
    await expect(report.textContent()).resolves.toContain('12 scenario(s) imported');
    await expect(
      report.getByText(/Tall page: onReadyScript: .* Node script/).isVisible(),
    ).resolves.toBe(true);
    await expect(
      report.getByText(/cookiePath: cookies\/consent\.json could not be read/).isVisible(),
    ).resolves.toBe(true);
    await screenshot(page, 'import-backstop');
    expect(errors).toEqual([]);
  });
});
