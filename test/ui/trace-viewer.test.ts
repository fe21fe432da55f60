import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePaths, startFixtureSite, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import { pollRun, SceneClient } from '../support/scene-client.ts';
import {
  launchChromium,
  openPage,
  startListeningScene,
  type ListeningScene,
} from '../support/ui-server.ts';

// "Open trace" in the viewer opens Playwright's trace viewer, served by Scene itself, on the
// execution's trace: it lists the capture's steps.

describe('trace viewer', () => {
  let scene: ListeningScene;
  let site: FixtureSite;
  let browser: Browser;
  let executionId: string;

  beforeAll(async () => {
    site = await startFixtureSite();
    scene = await startListeningScene();
    await scene.app.startRunEngine();
    browser = await launchChromium();
    const api = new SceneClient({ server: scene.url });
    const project = await api.createProject({ name: 'Trace shop' });
    const menu = await api.createPage(project.id, {
      name: 'Menu',
      url: `${site.url}${fixturePaths.menu}`,
      actions: [{ type: 'click', selector: '#menu-button' }],
    });
    const batch = await api.createBatch(project.id, {
      browsers: ['chromium'],
      viewports: ['desktop'],
      name: 'Traced',
      pageIds: [menu.id],
    });
    const run = await pollRun(api, (await api.launchRun(batch.id, { mode: 'baseline' })).id);
    const [execution] = await api.listExecutions(run.id);
    expect(execution?.artifacts.trace).toBeDefined();
    executionId = execution?.id ?? '';
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await scene?.close();
    await site?.close();
  });

  it('opens the trace viewer served by Scene from "Open trace" and shows the capture’s steps', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${scene.url}/executions/${executionId}`);
    const link = page.getByRole('link', { name: 'Open trace' });
    const href = await link.getAttribute('href');
    expect(href).toMatch(/^\/trace-viewer\/index\.html\?trace=%2Fapi%2Fv1%2Fartifacts%2F/);
    const [viewer] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
    await viewer.waitForLoadState();
    expect(new URL(viewer.url()).origin).toBe(scene.url);
    // The capture's steps: the navigation and the click on the menu button.
    await viewer
      .getByText(/#menu-button/)
      .first()
      .waitFor({ timeout: 60_000 });
    await viewer
      .getByText(/^Navigate/)
      .first()
      .waitFor({ timeout: 60_000 });
    if (process.env['SCENE_UI_SCREENSHOTS']) {
      await viewer.screenshot({ path: `${process.env['SCENE_UI_SCREENSHOTS']}/trace-viewer.png` });
    }
    expect(errors).toEqual([]);
    // Only the viewer's own files.
    for (const escape of ['..%2Fpackage.json', '..%2F..%2F..%2Fpackage.json', 'nosuch.js']) {
      const response = await fetch(`${scene.url}/trace-viewer/${escape}`);
      expect(response.status, escape).toBe(404);
    }
  }, 120_000);
});
