import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScene } from '../support/scene-cli.ts';

/** `scene doctor` as users run it: the fingerprint, each check, what to fix, the exit code. */
describe('scene doctor', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'scene-doctor-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('prints the fingerprint and passes on a working machine', async () => {
    const result = await runScene(['doctor'], {
      env: { SCENE_DATA_DIR: dataDir, SCENE_LOG_LEVEL: 'warn' },
    });
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect(result.stdout).toMatch(/os\s+\S/);
    expect(result.stdout).toMatch(/fontsDigest\s+[0-9a-f]{64}/);
    expect(result.stdout).toMatch(/chromium\s+\d+\.\d+/);
    expect(result.stdout).toMatch(/ok {4}chromium/);
    expect(result.stdout).toMatch(/ok {4}fonts/);
    expect(result.stdout).toMatch(/ok {4}database/);
    expect(result.stdout).toMatch(/ok {4}queue/);
    expect(result.stdout).toMatch(/ok {4}artifacts/);
    // Firefox and WebKit are reported, never required.
    expect(result.stdout).toMatch(/(ok {2}|warn) {2}firefox {2,}\S/);
    expect(result.stdout).toMatch(/Everything Scene needs works on this machine/);
  });

  it('exits 1 naming what is broken and how to fix it', async () => {
    const result = await runScene(['doctor'], {
      env: {
        SCENE_DATA_DIR: dataDir,
        SCENE_LOG_LEVEL: 'fatal',
        SCENE_CHROMIUM_PATH: '/nonexistent/chromium',
        SCENE_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
      },
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /FAIL {2}chromium .*Chromium not found at \/nonexistent\/chromium/,
    );
    expect(result.stdout).toMatch(/fix: apt-get install -y chromium/);
    expect(result.stdout).toMatch(/FAIL {2}database/);
    expect(result.stdout).toMatch(/fix: check SCENE_DATABASE_URL/);
    expect(result.stdout).toMatch(/2 required check\(s\) failed: chromium, database/);
  });
});
