import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSceneChild, type SceneChild } from '../support/scene-child.ts';

// `bin/scene serve` started from another directory (a user's project, a CI job's workspace):
// the web UI must render as it does when started from the clone itself.
describe('bin/scene serve from another working directory', () => {
  let dir: string;
  let scene: SceneChild;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'scene-elsewhere-'));
    scene = await startSceneChild({ SCENE_DATA_DIR: path.join(dir, 'data') }, 'serve', {
      cwd: dir,
    });
  }, 90_000);

  afterAll(async () => {
    await scene?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the web UI pages', async () => {
    for (const page of ['/projects', '/runs', '/settings', '/imports']) {
      const response = await fetch(scene.url + page);
      const body = await response.text();
      expect({ page, status: response.status }).toEqual({ page, status: 200 });
      expect(body).toContain('<h1>');
    }
    expect(scene.output()).not.toContain('React is not defined');
  });
});
