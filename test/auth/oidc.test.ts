import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../support/scene-cli.ts';
import { startOidcProvider, type TestOidcProvider } from '../support/oidc-provider.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { launchChromium, openPage } from '../support/ui-server.ts';

// Single sign-on against a real OpenID Connect provider (oidc-provider) on 127.0.0.1, driven
// through its login and consent pages in Chromium.

describe('single sign-on with OpenID Connect', () => {
  let provider: TestOidcProvider;
  let scene: TestApp;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    const port = await closedPort();
    url = `http://127.0.0.1:${port}`;
    provider = await startOidcProvider({
      clientId: 'scene',
      clientSecret: 'a client secret for the test',
      redirectUri: `${url}/auth/oidc/callback`,
      accounts: {
        qa: { email: 'Quinn@Corp.example', groups: ['qa-team'], name: 'Quinn' },
        lead: { email: 'lee@corp.example', groups: ['qa-team', 'scene-admins'] },
        plain: { email: 'pat@corp.example' },
        outsider: { email: 'mallory@elsewhere.example' },
      },
    });
    scene = await createTestApp('sqlite', {
      SCENE_AUTH: 'required',
      SCENE_PUBLIC_URL: url,
      SCENE_OIDC_ISSUER: provider.issuer,
      SCENE_OIDC_CLIENT_ID: 'scene',
      SCENE_OIDC_CLIENT_SECRET: 'a client secret for the test',
      SCENE_OIDC_ALLOWED_DOMAINS: 'corp.example',
      SCENE_OIDC_DEFAULT_ROLE: 'viewer',
      SCENE_OIDC_GROUP_ROLES: 'qa-team=reviewer,scene-admins=admin',
    });
    await scene.server.listen({ host: '127.0.0.1', port });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await scene?.close();
    await provider?.close();
  });

  async function signIn(login: string) {
    const { page } = await openPage(browser);
    await page.goto(`${url}/login?next=/runs`);
    await page.getByRole('link', { name: 'Log in with single sign-on' }).click();
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('anything');
    await page.locator('button[type="submit"]').click();
    // the provider asks for consent the first time
    const consent = page.locator('button[type="submit"]', { hasText: /continue/i });
    await Promise.race([
      page.waitForURL((u) => u.href.startsWith(url)),
      consent.waitFor().then(() => consent.click()),
    ]);
    await page.waitForURL((u) => u.href.startsWith(url) && !u.pathname.startsWith('/auth/oidc'));
    return page;
  }

  const userRole = async (email: string) =>
    await scene.app.db
      .selectFrom('users')
      .select(['role', 'display_name'])
      .where('email', '=', email)
      .executeTakeFirst();

  it('creates the user at the first sign-in with the role its groups map to', async () => {
    const page = await signIn('qa');
    expect(new URL(page.url()).pathname).toBe('/runs');
    await page.getByText('quinn@corp.example').waitFor();
    expect(await userRole('quinn@corp.example')).toEqual({
      role: 'reviewer',
      display_name: 'Quinn',
    });
    const lead = await signIn('lead');
    expect(new URL(lead.url()).pathname).toBe('/runs');
    expect((await userRole('lee@corp.example'))?.role).toBe('admin');
    await signIn('plain');
    expect((await userRole('pat@corp.example'))?.role).toBe('viewer');
    const audit = await scene.app.db
      .selectFrom('audit_log')
      .select(['actor', 'action', 'changes'])
      .where('action', '=', 'login')
      .execute();
    expect(audit.map((a) => a.actor)).toContain('user:quinn@corp.example');
    expect(audit.some((a) => a.changes.includes('oidc'))).toBe(true);
  }, 120_000);

  it('refuses an address outside the allowed domains with a clear page, creating nobody', async () => {
    const { page } = await openPage(browser);
    await page.goto(`${url}/auth/oidc/login`);
    await page.locator('input[name="login"]').fill('outsider');
    await page.locator('input[name="password"]').fill('anything');
    await page.locator('button[type="submit"]').click();
    const consent = page.locator('button[type="submit"]', { hasText: /continue/i });
    await Promise.race([
      page.waitForURL((u) => u.href.startsWith(url)),
      consent.waitFor().then(() => consent.click()),
    ]);
    await page.getByRole('heading', { name: 'Sign-in refused' }).waitFor();
    await page
      .getByText(
        'mallory@elsewhere.example may not sign in to Scene: only addresses at corp.example are allowed',
      )
      .waitFor();
    expect(await userRole('mallory@elsewhere.example')).toBeUndefined();
    const projects = await fetch(`${url}/api/v1/projects`);
    expect(projects.status).toBe(401);
  }, 120_000);
});
