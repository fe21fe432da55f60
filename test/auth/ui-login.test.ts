import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/auth/tokens.service.ts';
import { createUser, findUserRow, principalOfUser } from '../../src/auth/users.service.ts';
import { invariant } from '../../src/shared/errors.ts';
import { startFixtureSite, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import { pollRun, SceneClient } from '../support/scene-client.ts';
import {
  launchChromium,
  openPage,
  startListeningScene,
  type ListeningScene,
} from '../support/ui-server.ts';

// The UI with SCENE_AUTH=required, in Chromium: log in, run a batch, approve, log out.

describe('the UI behind a login', () => {
  let scene: ListeningScene;
  let site: FixtureSite;
  let browser: Browser;
  let api: SceneClient;
  let projectId: string;
  let batchId: string;

  beforeAll(async () => {
    site = await startFixtureSite();
    scene = await startListeningScene('sqlite', { SCENE_AUTH: 'required' });
    await scene.app.startRunEngine();
    browser = await launchChromium();
    const admin = await createUser(
      scene.app,
      { email: 'admin@example.com', role: 'admin', password: 'admin password 123' },
      'test',
    );
    await createUser(
      scene.app,
      { email: 'alice@example.com', role: 'editor', password: 'alice password 123' },
      'test',
    );
    const adminRow = await findUserRow(scene.app.db, admin.id);
    invariant(adminRow, 'admin exists');
    const principal = await principalOfUser(scene.app.db, adminRow, 'user', 'test');
    const { token } = await createToken(scene.app, principal, { name: 'setup', role: 'admin' });
    api = new SceneClient({ server: scene.url, token });
    const project = await api.createProject({ name: 'Login shop' });
    const home = await api.createPage(project.id, { name: 'Home', url: `${site.url}/` });
    const batch = await api.createBatch(project.id, {
      name: 'Smoke',
      pageIds: [home.id],
      browsers: ['chromium'],
      viewports: ['desktop'],
    });
    projectId = project.id;
    batchId = batch.id;
    await pollRun(api, (await api.launchRun(batch.id, { mode: 'baseline' })).id);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await scene?.close();
    await site?.close();
  });

  it('logs in, runs a batch, approves a change and logs out; the audit log names the user', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${scene.url}/projects/${projectId}/batches`);
    await page.waitForURL(/\/login\?next=/);
    await page.getByLabel('Email').fill('alice@example.com');
    await page.getByLabel('Password').fill('not her password');
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'wrong email or password' }).waitFor();
    await page.getByLabel('Password').fill('alice password 123');
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.waitForURL(new RegExp(`/projects/${projectId}/batches$`));
    await page.getByText('alice@example.com').waitFor();

    // run a compare against the baseline, from the UI
    site.setVariant('changed');
    await page.getByRole('link', { name: 'Run batch Smoke' }).click();
    await page.waitForURL(/\/runs\?/);
    await page.getByRole('radio', { name: 'Compare' }).check();
    await page.getByRole('button', { name: 'Launch run' }).click();
    const row = page.locator('[data-run-row]').first();
    await row.getByText('Compare').waitFor();
    await row.locator('[data-status="finished"]').waitFor({ timeout: 90_000 });
    const runs = await api.listRuns({ batchId });
    const compare = runs.items.find((r) => r.mode === 'compare');
    invariant(compare, 'the compare run exists');
    const executions = await api.listExecutions(compare.id);
    const execution = executions[0];
    invariant(execution, 'the compare run has an execution');

    await page.goto(`${scene.url}/executions/${execution.id}`);
    await page.locator('#viewer[data-ready]').waitFor();
    await page.getByRole('button', { name: 'Approve as baseline' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Approved: this screenshot is now the baseline image' })
      .waitFor();

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login$/);
    await page.goto(`${scene.url}/projects`);
    await page.waitForURL(/\/login\?next=/);
    expect(errors).toEqual([]);

    const audit = await fetch(`${scene.url}/api/v1/audit?limit=200`, {
      headers: { authorization: `Bearer ${await adminToken()}` },
    });
    const entries = (
      (await audit.json()) as {
        items: Array<{ actor: string; action: string; entityType: string }>;
      }
    ).items.map((e) => `${e.actor} ${e.action} ${e.entityType}`);
    expect(entries).toContain('user:alice@example.com login_failed user');
    expect(entries).toContain('user:alice@example.com login user');
    expect(entries).toContain('user:alice@example.com create run');
    // the approval: one audit entry per baseline cell it updates
    expect(entries).toContain('user:alice@example.com update baseline');
    expect(entries).toContain('user:alice@example.com logout user');
  }, 240_000);

  it('lets an admin add a user and change a role in the users screen, and nobody else', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${scene.url}/login`);
    await page.getByLabel('Email').fill('alice@example.com');
    await page.getByLabel('Password').fill('alice password 123');
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.waitForURL(/\/projects$/);
    await expect(page.getByRole('link', { name: 'Users' }).count()).resolves.toBe(0);
    const refused = await page.goto(`${scene.url}/users`);
    expect(refused?.status()).toBe(403);
    await page.context().clearCookies();

    await page.goto(`${scene.url}/login?next=/users`);
    await page.getByLabel('Email').fill('admin@example.com');
    await page.getByLabel('Password').fill('admin password 123');
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await page.waitForURL(/\/users$/);
    const form = page.locator('form', { hasText: 'Add a user' });
    await form.getByLabel('Email').fill('bob@example.com');
    await form.getByLabel('Role').selectOption('reviewer');
    await form.getByRole('button', { name: 'Add user' }).click();
    await page.getByRole('status').filter({ hasText: 'User bob@example.com added' }).waitFor();
    const alice = page.locator('tr[data-user="alice@example.com"]');
    await alice.getByLabel('Role of alice@example.com').selectOption('viewer');
    await alice.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'User alice@example.com saved' }).waitFor();
    expect(errors).toEqual([]);
    const rows = await scene.app.db
      .selectFrom('users')
      .select(['email', 'role'])
      .where('email', 'in', ['alice@example.com', 'bob@example.com'])
      .orderBy('email')
      .execute();
    expect(rows).toEqual([
      { email: 'alice@example.com', role: 'viewer' },
      { email: 'bob@example.com', role: 'reviewer' },
    ]);
    const changes = await scene.app.db
      .selectFrom('audit_log')
      .select(['actor', 'changes'])
      .where('entity_type', '=', 'user')
      .where('action', '=', 'update')
      .execute();
    expect(
      changes.some(
        (c) => c.actor === 'user:admin@example.com' && c.changes.includes('"before":"editor"'),
      ),
    ).toBe(true);
  }, 120_000);

  async function adminToken(): Promise<string> {
    const row = await scene.app.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', 'admin@example.com')
      .executeTakeFirstOrThrow();
    const principal = await principalOfUser(scene.app.db, row, 'user', 'test');
    return (await createToken(scene.app, principal, { name: 'audit reader', role: 'admin' })).token;
  }
});
