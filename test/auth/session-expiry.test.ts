import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/auth/users.service.ts';
import { createTestApp, dialects, type TestApp } from '../support/test-app.ts';

// Server-side sessions: the cookie's attributes, idle and absolute expiry, deactivation.

describe.each(dialects)('UI sessions on %s', (dialect) => {
  let t: TestApp;
  const secret = 'session test password';
  beforeAll(async () => {
    t = await createTestApp(dialect, {
      SCENE_AUTH: 'required',
      SCENE_PUBLIC_URL: 'https://scene.example.com',
      SCENE_SESSION_IDLE_MINUTES: '30',
      SCENE_SESSION_MAX_HOURS: '8',
    });
    await createUser(t.app, { email: 'sam@example.com', role: 'editor', password: secret }, 'test');
  });
  afterAll(() => t.close());

  const login = async () => {
    const response = await t.server.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'SAM@example.com', password: secret },
    });
    expect(response.statusCode).toBe(200);
    const cookie = response.cookies.find((c) => c.name === 'scene_session');
    if (!cookie) throw new Error('no session cookie');
    return cookie;
  };
  const me = async (value: string) =>
    (await t.server.inject({ url: '/api/v1/me', cookies: { scene_session: value } })).statusCode;

  it('sets an HTTP-only, SameSite=Lax, Secure cookie for an https public URL, lasting the absolute expiry', async () => {
    const cookie = await login();
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: true, path: '/' });
    expect(cookie.maxAge).toBe(8 * 3600);
    expect(await me(cookie.value)).toBe(200);
  });

  it('ends a session idle for longer than SCENE_SESSION_IDLE_MINUTES', async () => {
    const cookie = await login();
    await t.app.db
      .updateTable('sessions')
      .set({ last_seen_at: new Date(Date.now() - 31 * 60_000).toISOString() })
      .execute();
    expect(await me(cookie.value)).toBe(401);
  });

  it('ends a session at its absolute expiry however active', async () => {
    const cookie = await login();
    await t.app.db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .execute();
    expect(await me(cookie.value)).toBe(401);
  });

  it('ends the sessions of a deactivated user', async () => {
    const cookie = await login();
    const user = await t.app.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'sam@example.com')
      .executeTakeFirstOrThrow();
    await t.app.db.updateTable('users').set({ active: 0 }).where('id', '=', user.id).execute();
    expect(await me(cookie.value)).toBe(401);
    await t.app.db.updateTable('users').set({ active: 1 }).where('id', '=', user.id).execute();
  });
});
