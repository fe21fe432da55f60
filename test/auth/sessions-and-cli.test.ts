import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SceneClient } from '../../src/client/scene-client.ts';
import { fixturePaths, startFixtureSite, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import { runScene } from '../support/scene-cli.ts';
import { startSceneChild, type SceneChild } from '../support/scene-child.ts';

// A `scene serve` child with SCENE_AUTH=required: the first admin from `scene users create`,
// sessions with CSRF and Origin checks, the login rate limit, and `scene run` with a token.

const email = 'owner@example.com';
const password = 'owner password 123';
let workDir: string;
let server: SceneChild;
let site: FixtureSite;

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-auth-'));
  const dataDir = path.join(workDir, 'data');
  const created = await runScene(
    ['users', 'create', '--email', email, '--role', 'admin', '--password-stdin'],
    { env: { SCENE_DATA_DIR: dataDir }, input: `${password}\n` },
  );
  expect(created.code, created.stderr).toBe(0);
  expect(created.stdout).toContain(`created admin ${email}`);
  site = await startFixtureSite();
  server = await startSceneChild({
    SCENE_DATA_DIR: dataDir,
    SCENE_AUTH: 'required',
    SCENE_LOGIN_WINDOW_SECONDS: '3',
  });
}, 120_000);

afterAll(async () => {
  await server?.kill();
  await site?.close();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

async function login(who = email, secret = password): Promise<Response> {
  return fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: who, password: secret }),
  });
}

async function session(): Promise<{ cookie: string; csrf: string }> {
  const response = await login();
  expect(response.status).toBe(200);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { cookie, csrf: csrfToken };
}

async function projectNames(cookie: string): Promise<string[]> {
  const list = await fetch(`${server.url}/api/v1/projects`, { headers: { cookie } });
  return ((await list.json()) as { items: Array<{ name: string }> }).items.map((p) => p.name);
}

describe('sessions with SCENE_AUTH=required', () => {
  it('refuses a cross-origin form POST with a valid session cookie, and takes the same POST from the UI', async () => {
    const { cookie, csrf } = await session();
    const form = (name: string, headers: Record<string, string>) =>
      fetch(`${server.url}/projects`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, ...headers },
        body: new URLSearchParams({ name, _csrf: csrf }).toString(),
      });
    const evil = await form('evil', {
      origin: 'http://evil.example',
      'sec-fetch-site': 'cross-site',
    });
    expect(evil.status).toBe(403);
    const evilOrigin = await form('evil 2', { origin: 'http://evil.example' });
    expect(evilOrigin.status).toBe(403);
    const noToken = await fetch(`${server.url}/projects`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: 'name=no-token',
    });
    expect(noToken.status).toBe(403);
    expect(await projectNames(cookie)).toEqual([]);

    const own = await form('from the UI', { origin: server.url, 'sec-fetch-site': 'same-origin' });
    expect(own.status).toBe(303);
    expect(await projectNames(cookie)).toEqual(['from the UI']);

    // the JSON API with a session needs the CSRF header too
    const post = (headers: Record<string, string>) =>
      fetch(`${server.url}/api/v1/projects`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, ...headers },
        body: JSON.stringify({ name: 'api' }),
      });
    expect((await post({})).status).toBe(403);
    expect((await post({ 'x-csrf-token': csrf })).status).toBe(201);
  });

  it('logs out everywhere: every session of the user ends', async () => {
    const first = await session();
    const second = await session();
    const out = await fetch(`${server.url}/api/v1/auth/logout`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: first.cookie,
        'x-csrf-token': first.csrf,
      },
      body: JSON.stringify({ everywhere: true }),
    });
    expect(out.status).toBe(204);
    for (const { cookie } of [first, second]) {
      expect((await fetch(`${server.url}/api/v1/me`, { headers: { cookie } })).status).toBe(401);
    }
  });

  it('answers 429 to the 11th wrong password in the window, and lets the right one in after it', async () => {
    const victim = 'nobody-else@example.com';
    for (let attempt = 1; attempt <= 10; attempt++) {
      expect((await login(victim, 'wrong password!')).status).toBe(401);
    }
    const limited = await login(victim, 'wrong password!');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: { message: string } }).error.message).toMatch(
      /too many failed logins/,
    );
    // the owner's account is not locked by another account's failures
    expect((await login()).status).toBe(200);
    // ten failures for the owner, then the right password is refused until the window passes
    for (let attempt = 1; attempt <= 10; attempt++) await login(email, 'wrong password!');
    expect((await login()).status).toBe(429);
    const deadline = Date.now() + 30_000;
    let status = 429;
    while (status === 429 && Date.now() < deadline) {
      const response = await login();
      status = response.status;
      if (status === 429) {
        await new Promise((r) => setTimeout(r, Number(response.headers.get('retry-after')) * 250));
      }
    }
    expect(status).toBe(200);
  }, 60_000);

  it('lets `scene run` launch and wait for a run with SCENE_TOKEN, and refuses it without', async () => {
    const { cookie, csrf } = await session();
    const made = await fetch(`${server.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf },
      body: JSON.stringify({ name: 'ci', role: 'editor' }),
    });
    expect(made.status).toBe(201);
    const { token } = (await made.json()) as { token: string };
    expect(token).toMatch(/^scene_/);
    const client = new SceneClient({ server: server.url, token });
    const project = await client.createProject({ name: 'ci-shop' });
    const home = await client.createPage(project.id, {
      name: 'Home',
      url: site.url + fixturePaths.home,
    });
    await client.createBatch(project.id, {
      name: 'site',
      pageIds: [home.id],
      taskIds: [],
      browsers: ['chromium'],
      viewports: ['desktop'],
    });
    const env = { SCENE_SERVER: server.url };
    const refused = await runScene(['run', 'ci-shop/site'], { env, cwd: workDir });
    // exit 2 and one line saying what and how to fix it, without a token and with a wrong one
    const refusal = `scene run: the server at ${server.url} refused the request (401): pass a valid API token with --token or SCENE_TOKEN\n`;
    expect({ code: refused.code, stderr: refused.stderr }).toEqual({ code: 2, stderr: refusal });
    const wrong = await runScene(['run', 'ci-shop/site', '--token', 'scene_wrong'], {
      env,
      cwd: workDir,
    });
    expect({ code: wrong.code, stderr: wrong.stderr }).toEqual({ code: 2, stderr: refusal });
    const ran = await runScene(['run', 'ci-shop/site', '--mode', 'baseline', '--wait'], {
      env: { ...env, SCENE_TOKEN: token },
      cwd: workDir,
    });
    expect(ran.code, ran.stderr + ran.stdout).toBe(0);
    expect(server.output()).not.toContain(token);
    expect(server.output()).not.toContain(password);
  }, 180_000);
});
