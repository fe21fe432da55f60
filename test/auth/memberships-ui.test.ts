import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/auth/tokens.service.ts';
import { createUser, findUserRow, principalOfUser } from '../../src/auth/users.service.ts';
import { invariant } from '../../src/shared/errors.ts';
import { SceneClient } from '../support/scene-client.ts';
import { dialects } from '../support/test-app.ts';
import {
  launchChromium,
  openPage,
  startListeningScene,
  type ListeningScene,
} from '../support/ui-server.ts';

// Per-project memberships in the UI, in Chromium, with SCENE_AUTH=required: an admin adds a
// user to a project in the users screen; that user then sees only that project in the pages
// that list across projects; the admin removes the membership again.

describe.each(dialects)('project memberships in the UI (%s)', (dialect) => {
  let scene: ListeningScene;
  let browser: Browser;
  const projects = { a: '', b: '' };

  beforeAll(async () => {
    // No run engine: launched runs stay queued, which is all the runs dashboard needs here.
    scene = await startListeningScene(dialect, { SCENE_AUTH: 'required' });
    browser = await launchChromium();
    const admin = await createUser(
      scene.app,
      { email: 'admin@example.com', role: 'admin', password: 'admin password 123' },
      'test',
    );
    await createUser(
      scene.app,
      { email: 'vera@example.com', role: 'editor', password: 'vera password 123' },
      'test',
    );
    const adminRow = await findUserRow(scene.app.db, admin.id);
    invariant(adminRow, 'admin exists');
    const principal = await principalOfUser(scene.app.db, adminRow, 'user', 'test');
    const { token } = await createToken(scene.app, principal, { name: 'setup', role: 'admin' });
    const api = new SceneClient({ server: scene.url, token });
    for (const key of ['a', 'b'] as const) {
      const project = await api.createProject({ name: `Shop ${key.toUpperCase()}` });
      const home = await api.createPage(project.id, {
        name: 'Home',
        url: `http://127.0.0.1:9/${key}`,
      });
      const batch = await api.createBatch(project.id, {
        name: `Smoke ${key.toUpperCase()}`,
        pageIds: [home.id],
        browsers: ['chromium'],
        viewports: ['desktop'],
      });
      await api.launchRun(batch.id, { mode: 'baseline' });
      projects[key] = project.id;
    }
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await scene?.close();
  });

  async function logIn(page: Page, email: string, password: string, next: string) {
    await page.goto(`${scene.url}/login?next=${next}`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.waitForURL(new RegExp(`${next}$`));
  }

  it('an admin adds a viewer to project A; the user then sees A but not B; the admin changes and removes it', async () => {
    const { page: admin, errors: adminErrors } = await openPage(browser);
    await logIn(admin, 'admin@example.com', 'admin password 123', '/users');
    const vera = admin.locator('tr[data-user="vera@example.com"]');
    await vera.getByText('all projects').waitFor();
    await vera.getByLabel('Project for vera@example.com').selectOption({ label: 'Shop A' });
    await vera.getByLabel('Membership role for vera@example.com').selectOption('viewer');
    await vera.getByRole('button', { name: 'Add to project' }).click();
    await admin
      .getByRole('status')
      .filter({ hasText: 'vera@example.com is now viewer in the project' })
      .waitFor();
    await expect(
      vera.getByLabel('Membership of vera@example.com in Shop A').inputValue(),
    ).resolves.toBe('viewer');

    // the member: project A only, in the projects list and the runs dashboard
    const { page: user, errors: userErrors } = await openPage(browser);
    await logIn(user, 'vera@example.com', 'vera password 123', '/projects');
    await user.getByRole('link', { name: 'Shop A' }).first().waitFor();
    await expect(user.getByText('Shop B').count()).resolves.toBe(0);

    const runsPage = await user.goto(`${scene.url}/runs`);
    expect(runsPage?.status()).toBe(200);
    await user.locator('[data-run-row]').first().waitFor();
    await expect(user.locator('[data-run-row]').count()).resolves.toBe(1);
    await expect(user.locator('[data-run-row]').first().textContent()).resolves.toContain('Shop A');
    await expect(user.getByText('Shop B').count()).resolves.toBe(0);
    await expect(user.getByText('Smoke B').count()).resolves.toBe(0);
    // another project by its id: not found, as in the API
    const other = await user.goto(`${scene.url}/runs?projectId=${projects.b}`);
    expect(other?.status()).toBe(404);
    const audit = await user.goto(`${scene.url}/audit`);
    expect(audit?.status()).toBe(200);

    // the admin removes the membership: the user sees every project again
    await admin.reload();
    await vera.getByLabel('Membership of vera@example.com in Shop A').selectOption('reviewer');
    await vera.getByRole('button', { name: 'Change' }).click();
    await admin
      .getByRole('status')
      .filter({ hasText: 'vera@example.com is now reviewer in the project' })
      .waitFor();
    await vera.getByRole('button', { name: 'Remove vera@example.com from Shop A' }).click();
    await admin.getByRole('status').filter({ hasText: 'Membership removed' }).waitFor();
    await vera.getByText('all projects').waitFor();
    await user.goto(`${scene.url}/projects`);
    await user.getByRole('link', { name: 'Shop B' }).first().waitFor();
    expect(adminErrors).toEqual([]);
    expect(userErrors).toEqual([]);

    const members = await scene.app.db.selectFrom('project_members').selectAll().execute();
    expect(members).toEqual([]);
    const entries = await scene.app.db
      .selectFrom('audit_log')
      .select(['actor', 'action', 'project_id'])
      .where('entity_type', '=', 'membership')
      .orderBy('seq')
      .execute();
    expect(entries).toEqual([
      { actor: 'user:admin@example.com', action: 'create', project_id: projects.a },
      { actor: 'user:admin@example.com', action: 'update', project_id: projects.a },
      { actor: 'user:admin@example.com', action: 'delete', project_id: projects.a },
    ]);
  }, 240_000);
});
