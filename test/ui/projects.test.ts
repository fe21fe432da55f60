import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  openPage,
  startListeningScene,
  type ListeningScene,
} from '../support/ui-server.ts';

describe('projects UI', () => {
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

  it('creates a project in a modal, shows validation errors at the field, edits and deletes it', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${scene.url}/`);
    await expect(
      page.getByRole('heading', { name: 'Projects', level: 1 }).isVisible(),
    ).resolves.toBe(true);
    await expect(page.getByText('No projects yet').isVisible()).resolves.toBe(true);

    await page.getByRole('button', { name: 'New project' }).click();
    const dialog = page.getByRole('dialog', { name: 'New project' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Create project' }).click();
    const nameField = dialog.getByLabel('Name');
    await expect.poll(() => nameField.getAttribute('aria-invalid')).toBe('true');
    await expect(dialog.getByText('must not be empty').isVisible()).resolves.toBe(true);

    await nameField.fill('Storefront');
    await dialog.getByLabel('Description').fill('The shop <b>site</b>');
    await dialog.getByRole('button', { name: 'Create project' }).click();
    await page.waitForURL(/\/projects\/[a-z0-9]+\/pages$/);
    await expect(
      page.getByRole('heading', { name: 'Storefront', level: 1 }).isVisible(),
    ).resolves.toBe(true);
    await expect(page.getByText('The shop <b>site</b>').isVisible()).resolves.toBe(true);
    await expect(
      page.getByRole('status').filter({ hasText: 'Project "Storefront" created' }).isVisible(),
    ).resolves.toBe(true);
    for (const tab of ['Pages', 'Tasks', 'Batches', 'Runs', 'Webhooks', 'Settings']) {
      await expect(
        page
          .getByRole('navigation', { name: 'Project sections' })
          .getByRole('link', { name: tab })
          .isVisible(),
      ).resolves.toBe(true);
    }

    // A duplicate name is refused by the service; the message appears at the name field.
    await page.goto(`${scene.url}/projects`);
    await page.getByRole('button', { name: 'New project' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('Storefront');
    await page.getByRole('dialog').getByRole('button', { name: 'Create project' }).click();
    await page
      .getByRole('dialog')
      .getByText("a project named 'Storefront' already exists")
      .waitFor();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);

    await page.getByRole('link', { name: 'Storefront' }).click();
    await page.getByRole('button', { name: 'Edit project' }).click();
    await page
      .getByRole('dialog', { name: 'Edit project' })
      .getByLabel('Name')
      .fill('Storefront EU');
    await page.getByRole('dialog').getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Storefront EU', level: 1 }).waitFor();

    await page.getByRole('button', { name: 'Delete project' }).click();
    const confirm = page.getByRole('dialog', { name: 'Are you sure?' });
    await confirm.getByText('Delete project "Storefront EU"').waitFor();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(
      page.getByRole('heading', { name: 'Storefront EU', level: 1 }).isVisible(),
    ).resolves.toBe(true);

    await page.getByRole('button', { name: 'Delete project' }).click();
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    await page.waitForURL(/\/projects$/);
    await expect(
      page.getByRole('status').filter({ hasText: 'Project "Storefront EU" deleted' }).isVisible(),
    ).resolves.toBe(true);
    await expect(page.getByText('No projects yet').isVisible()).resolves.toBe(true);
    expect(errors).toEqual([]);
  });

  it('pages through a long list with Older and Newest links', async () => {
    for (let i = 1; i <= 55; i++) {
      const response = await fetch(`${scene.url}/api/v1/projects`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Project ${String(i).padStart(2, '0')}` }),
      });
      expect(response.status).toBe(201);
    }
    const { page, errors } = await openPage(browser);
    await page.goto(`${scene.url}/projects`);
    await expect(page.locator('#projects-table tbody tr').count()).resolves.toBe(50);
    await expect(page.getByRole('link', { name: 'Project 55' }).isVisible()).resolves.toBe(true);
    await page.getByRole('link', { name: 'Older →' }).click();
    await page.getByRole('link', { name: 'Project 01' }).waitFor();
    await expect(page.locator('#projects-table tbody tr').count()).resolves.toBe(5);
    await page.getByRole('link', { name: '← Newest' }).click();
    await page.getByRole('link', { name: 'Project 55' }).waitFor();
    expect(errors).toEqual([]);
  });
});
