import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SceneClient } from '../support/scene-client.ts';
import {
  launchChromium,
  openPage,
  startListeningScene,
  type ListeningScene,
} from '../support/ui-server.ts';

// A batch's schedules on the Batches tab: created, edited and deleted in the modal, each shown
// with its next fire time.

const screenshotDir = process.env['SCENE_UI_SCREENSHOTS'];

async function screenshot(page: Page, name: string): Promise<void> {
  if (screenshotDir) await page.screenshot({ path: `${screenshotDir}/${name}.png` });
}

interface ScheduleView {
  cron: string;
  timezone: string;
  branch?: string;
  active: boolean;
  nextFireAt: string | null;
}

async function schedulesOf(api: SceneClient, batchId: string): Promise<ScheduleView[]> {
  return (await api.ok<{ items: ScheduleView[] }>('GET', `/batches/${batchId}/schedules`)).items;
}

describe('schedules UI', { timeout: 120_000 }, () => {
  let scene: ListeningScene;
  let browser: Browser;
  let api: SceneClient;
  let projectId: string;
  let batchId: string;
  beforeAll(async () => {
    [scene, browser] = await Promise.all([startListeningScene(), launchChromium()]);
    api = new SceneClient({ server: scene.url });
    const project = await api.createProject({ name: 'Monitored shop' });
    projectId = project.id;
    const home = await api.createPage(project.id, { name: 'Home', url: 'http://127.0.0.1:9/' });
    batchId = (
      await api.createBatch(project.id, {
        browsers: ['chromium'],
        viewports: ['desktop'],
        name: 'Production',
        pageIds: [home.id],
      })
    ).id;
  });
  afterAll(async () => {
    await browser?.close();
    await scene?.close();
  });

  it('creates, edits and deletes a schedule, showing its next fire time', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${scene.url}/projects/${projectId}/batches`);
    const row = page.locator(`#batch-${batchId}`);
    await row.getByRole('button', { name: 'Schedule…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Schedule Production' });
    await dialog.waitFor();

    // Refused at the fields: a bad cron expression and an unknown time zone.
    await dialog.getByLabel('Cron expression').fill('every morning');
    await dialog.getByLabel('Time zone').fill('Mars/Olympus');
    await dialog.getByRole('button', { name: 'Create schedule' }).click();
    await expect
      .poll(() => dialog.getByLabel('Cron expression').getAttribute('aria-invalid'))
      .toBe('true');
    await expect(dialog.getByText(/must be a cron expression/).isVisible()).resolves.toBe(true);
    await expect(dialog.getByText(/must be an IANA time zone/).isVisible()).resolves.toBe(true);

    await dialog.getByLabel('Cron expression').fill('0 6 * * *');
    await dialog.getByLabel('Time zone').fill('Europe/Paris');
    await dialog.getByLabel('Branch').fill('main');
    await screenshot(page, 'schedule-form');
    await dialog.getByRole('button', { name: 'Create schedule' }).click();
    const line = row.locator('.schedule');
    await expect
      .poll(() => line.textContent())
      .toMatch(
        /Scheduled 0 6 \* \* \* \(Europe\/Paris, main, compare\): next \d{4}-\d\d-\d\d 0[45]:00:00 UTC/,
      );
    const [created] = await schedulesOf(api, batchId);
    expect(created).toMatchObject({ cron: '0 6 * * *', timezone: 'Europe/Paris', branch: 'main' });
    await screenshot(page, 'schedules-batches-tab');

    // Edit: paused, no branch.
    await row.getByRole('button', { name: 'Edit schedule 0 6 * * * of Production' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit schedule of Production' });
    await edit.getByLabel('Branch').fill('');
    await edit.getByLabel('Active').uncheck();
    await edit.getByRole('button', { name: 'Save schedule' }).click();
    await expect.poll(() => line.textContent()).toMatch(/\(Europe\/Paris, compare\): paused/);
    const [edited] = await schedulesOf(api, batchId);
    expect(edited).toMatchObject({ active: false, nextFireAt: null });
    expect(edited?.branch).toBeUndefined();

    await row.getByRole('button', { name: 'Delete schedule 0 6 * * * of Production' }).click();
    await page
      .getByRole('dialog', { name: 'Are you sure?' })
      .getByRole('button', { name: 'Confirm' })
      .click();
    await expect.poll(() => line.count()).toBe(0);
    expect(await schedulesOf(api, batchId)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
