import fs from 'node:fs';
import os from 'node:os';
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

// The Import screen: a Storybook by URL with tag filters, a picked or pasted backstop.json; each
// shows its import report under its form, and refusals at the field.

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
      '6 stories; pages: 4 added, 0 updated, 0 removed, 0 kept (added by hand); 4 entries skipped',
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
    await expect
      .poll(() => card.getByRole('status').textContent())
      .toContain('1 added, 0 updated, 0 removed');
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
  it('imports a picked backstop.json file; a bad file is refused and changes nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-backstop-file-'));
    const file = (name: string, contents: string | Buffer) => {
      fs.writeFileSync(path.join(dir, name), contents);
      return path.join(dir, name);
    };
    const projectNames = async () => {
      const response = await fetch(`${scene.url}/api/v1/projects`);
      const body = (await response.json()) as { items: { name: string }[] };
      return body.items.map((p) => p.name);
    };
    const { page, errors } = await openPage(browser);
    await page.goto(`${scene.url}/imports`);
    const card = page.locator('#backstop-import');
    const picker = card.getByLabel('Choose a file');
    const config = card.getByLabel('backstop.json');
    await card.getByLabel('Project').fill('picked');

    await config.fill('{ "scenarios": [] } (typed by hand)');
    const refusals: [string, RegExp][] = [
      [file('notes.txt', 'hello'), /^notes\.txt is not JSON: /],
      [file('package.json', '{"name": "x"}'), /^package\.json is not a BackstopJS configuration/],
      [
        file('huge.json', Buffer.alloc(6 * 1024 * 1024, ' ')),
        /^huge\.json is too big: 6\.0 MB, the limit is 5\.0 MB$/,
      ],
    ];
    for (const [badFile, message] of refusals) {
      await picker.setInputFiles(badFile);
      await expect.poll(() => card.getByRole('alert').textContent()).toMatch(message);
      await expect(picker.getAttribute('aria-invalid')).resolves.toBe('true');
      await expect(config.inputValue()).resolves.toBe('{ "scenarios": [] } (typed by hand)');
    }
    await expect(projectNames()).resolves.not.toContain('picked');
    await screenshot(page, 'import-backstop-bad-file');

    const text = fs
      .readFileSync(path.resolve(import.meta.dirname, '../fixtures/backstop/backstop.json'), 'utf8')
      .replaceAll(':PORT/', ':9/');
    await picker.setInputFiles(file('backstop.json', text));
    await card.getByText('Read backstop.json: 12 scenarios.').waitFor();
    await expect(card.getByRole('alert').count()).resolves.toBe(0);
    await expect(picker.getAttribute('aria-invalid')).resolves.toBeNull();
    await expect(config.inputValue()).resolves.toBe(text);
    await card.getByRole('button', { name: 'Import scenarios' }).click();
    const report = card.getByRole('status');
    await report.waitFor();
    await expect(report.textContent()).resolves.toContain('12 scenario(s) imported');
    await expect(projectNames()).resolves.toContain('picked');
    expect(errors).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
