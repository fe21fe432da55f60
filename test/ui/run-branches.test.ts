import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SceneClient } from '../support/scene-client.ts';
import {
  launchChromium,
  openPage,
  startListeningScene,
  type ListeningScene,
} from '../support/ui-server.ts';

// The runs dashboard shows each run's branch and commit, filters by branch, and the launcher
// launches on a branch. No run engine: the runs stay queued, which is all the list needs.

describe('branches on the runs dashboard', () => {
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

  it('shows the branch and commit of each run, filters by branch, and launches on a branch', async () => {
    const api = new SceneClient({ server: scene.url });
    const project = await api.createProject({ name: 'Branchy' });
    const page1 = await api.createPage(project.id, { name: 'Home', url: 'http://127.0.0.1:9/' });
    const batch = await api.createBatch(project.id, {
      name: 'Smoke',
      pageIds: [page1.id],
      browsers: ['chromium'],
      viewports: ['desktop'],
    });
    const onBranch = await api.launchRun(batch.id, {
      mode: 'baseline',
      branch: 'feature/login',
      commit: '0123456789abcdef0123456789abcdef01234567',
    });
    const plain = await api.launchRun(batch.id, { mode: 'baseline' });
    // git allows '<' and '>' in branch names: shown as text, never as markup.
    const markup = await api.launchRun(batch.id, { mode: 'baseline', branch: 'x<i>y' });

    const { page, errors } = await openPage(browser);
    await page.goto(`${scene.url}/runs`);
    const branchRow = page.locator(`#run-${onBranch.id}`);
    await branchRow.getByText('feature/login', { exact: true }).waitFor();
    await branchRow.getByText('0123456', { exact: true }).waitFor();
    await expect(page.getByRole('columnheader', { name: 'Branch' }).isVisible()).resolves.toBe(
      true,
    );
    await page.locator(`#run-${markup.id}`).getByText('x<i>y', { exact: true }).waitFor();
    await expect(page.locator('.runs-table i').count()).resolves.toBe(0);

    const filters = page.locator('form[role=search]');
    await filters.getByLabel('Branch').fill('feature/login');
    await filters.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/branch=feature%2Flogin/);
    await expect(page.locator('[data-run-row]').count()).resolves.toBe(1);
    await expect(page.locator(`#run-${plain.id}`).count()).resolves.toBe(0);

    // The launcher takes a branch; the new run shows it.
    await page.goto(`${scene.url}/projects/${project.id}/runs`);
    await page.getByLabel('Batch', { exact: true }).selectOption({ label: 'Smoke' });
    await page.getByRole('radio', { name: 'Baseline (record)' }).check();
    await page.getByLabel('Branch (optional)').fill('release/2.0');
    await page.getByRole('button', { name: 'Launch run' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /launched: Smoke \(baseline/ })
      .waitFor();
    await page
      .locator('[data-run-row]')
      .first()
      .getByText('release/2.0', { exact: true })
      .waitFor();
    expect(errors).toEqual([]);
  });
});
