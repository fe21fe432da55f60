import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runScene } from '../support/scene-cli.ts';
import { startSceneChild, type SceneChild } from '../support/scene-child.ts';

// Secure by default, as a user starts it: `bin/scene serve` child processes.

describe('secure defaults of scene serve', () => {
  const children: SceneChild[] = [];
  const dirs: string[] = [];
  const dataDir = (): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-auth-default-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    for (const child of children.splice(0)) await child.kill();
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses SCENE_AUTH=off on 0.0.0.0 with exit 2, naming the risk, and touches nothing', async () => {
    const dir = dataDir();
    const result = await runScene(['serve'], {
      env: { SCENE_HOST: '0.0.0.0', SCENE_AUTH: 'off', SCENE_PORT: '0', SCENE_DATA_DIR: dir },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('SCENE_AUTH');
    expect(result.stderr).toContain('non-loopback address 0.0.0.0');
    expect(result.stderr).toContain('anyone who can reach this machine');
    expect(fs.readdirSync(dir)).toEqual([]);
  }, 60_000);

  it('serves the quick start on 127.0.0.1 without login, as before', async () => {
    const scene = await startSceneChild({ SCENE_DATA_DIR: dataDir() });
    children.push(scene);
    const projects = await fetch(`${scene.url}/api/v1/projects`);
    expect(projects.status).toBe(200);
    const created = await fetch(`${scene.url}/api/v1/projects`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'quick start' }),
    });
    expect(created.status).toBe(201);
    const page = await fetch(`${scene.url}/projects`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const me = (await (await fetch(`${scene.url}/api/v1/me`)).json()) as { authMode: string };
    expect(me.authMode).toBe('off');
  }, 90_000);

  it('requires authentication by default on a non-loopback address; /healthz stays open', async () => {
    const scene = await startSceneChild({
      SCENE_HOST: '0.0.0.0',
      SCENE_DATA_DIR: dataDir(),
      SCENE_ADMIN_EMAIL: 'root@example.com',
      SCENE_ADMIN_PASSWORD: 'correct horse battery',
    });
    children.push(scene);
    expect((await fetch(`${scene.url}/healthz`)).status).toBe(200);
    const anonymous = await fetch(`${scene.url}/api/v1/projects`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe(
      'unauthorized',
    );
    expect((await fetch(`${scene.url}/metrics`)).status).toBe(401);
    const page = await fetch(`${scene.url}/projects`, {
      headers: { accept: 'text/html' },
      redirect: 'manual',
    });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login?next=%2Fprojects');
    const login = await fetch(`${scene.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'root@example.com', password: 'correct horse battery' }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/scene_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const session = cookie.split(';')[0] ?? '';
    expect(
      (await fetch(`${scene.url}/api/v1/projects`, { headers: { cookie: session } })).status,
    ).toBe(200);
    expect((await fetch(`${scene.url}/metrics`, { headers: { cookie: session } })).status).toBe(
      200,
    );
    expect(scene.output()).not.toContain('correct horse battery');
  }, 90_000);
});
