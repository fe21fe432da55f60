import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createScratchDatabase } from '../support/postgres.ts';

// The command line as users run it: bin/scene in a child process, configured only by SCENE_*.

const scene = path.join(import.meta.dirname, '../../bin/scene');
const tempDirs: string[] = [];
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-cli-'));
  tempDirs.push(dir);
  return dir;
}

/** The parent's environment without any SCENE_* variable, plus `env`. */
function environment(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('SCENE_')),
  );
  return { ...clean, ...env };
}

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], env: Record<string, string>) {
  const child = spawn(scene, args, { env: environment(env), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const finished = new Promise<Finished>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  const output = () => stdout;
  return { child, finished, output };
}

function run(args: string[], env: Record<string, string>): Promise<Finished> {
  return start(args, env).finished;
}

async function waitFor<T>(probe: () => T | undefined, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('bin/scene', () => {
  it('serve starts on a free port, answers /healthz and exits cleanly on SIGTERM', async () => {
    const dataDir = tempDataDir();
    const serve = start(['serve'], {
      SCENE_PORT: '0',
      SCENE_HOST: '127.0.0.1',
      SCENE_DATA_DIR: dataDir,
    });
    const url = await waitFor(() => {
      for (const line of serve.output().split('\n')) {
        if (!line.includes('Scene is running')) continue;
        return (JSON.parse(line) as { url: string }).url;
      }
      return serve.child.exitCode === null ? undefined : 'exited';
    }, 'the "Scene is running" log line');
    expect(url).toMatch(/^http:\/\/localhost:\d+$/);

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const projects = await fetch(`${url}/api/v1/projects`);
    expect(projects.status).toBe(200);

    serve.child.kill('SIGTERM');
    const result = await serve.finished;
    expect(result.stderr).toBe('');
    expect({ code: result.code, signal: result.signal }).toEqual({ code: 0, signal: null });
    expect(result.stdout).toMatch(/"msg":"stopped"/);
    expect(fs.existsSync(path.join(dataDir, 'scene.db'))).toBe(true);
  });

  it('migrate creates and migrates a fresh SQLite database, then finds it up to date', async () => {
    const dataDir = tempDataDir();
    const first = await run(['migrate'], { SCENE_DATA_DIR: dataDir });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/applied \d+ migration\(s\)/);
    expect(fs.existsSync(path.join(dataDir, 'scene.db'))).toBe(true);
    const second = await run(['migrate'], { SCENE_DATA_DIR: dataDir });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/database is up to date/);
  });

  it('migrate works on a fresh Postgres database', async () => {
    const scratch = await createScratchDatabase();
    try {
      const result = await run(['migrate'], {
        SCENE_DATA_DIR: tempDataDir(),
        SCENE_DATABASE_URL: scratch.url,
      });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/applied \d+ migration\(s\)/);
    } finally {
      await scratch.drop();
    }
  });

  it('a bad SCENE_PORT prints a clear error and exits 2 without starting', async () => {
    const dataDir = tempDataDir();
    const result = await run(['serve'], { SCENE_PORT: 'eighty', SCENE_DATA_DIR: dataDir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /Invalid configuration:\n\s+- SCENE_PORT: .*number.*\(got "eighty"\)/,
    );
    expect(result.stdout).toBe('');
    expect(fs.existsSync(path.join(dataDir, 'scene.db'))).toBe(false);
  });

  it('an unknown command prints the usage and exits 2', async () => {
    const result = await run(['serf'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'serf'[\s\S]*Usage: scene <command>/);
  });
});
