import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SceneClient } from '../../src/client/scene-client.ts';
import { fixturePaths, startFixtureSite, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import { createScratchDatabase } from '../support/postgres.ts';
import { cleanEnvironment, runScene } from '../support/scene-cli.ts';

// Scene as a user installs it: `npm pack`, then `npm install -g` of the tarball into a scratch
// prefix. Dependency install scripts are skipped (--ignore-scripts): that keeps the test's
// time down and stands for a machine without a C compiler, where better-sqlite3 and Scene's
// native diff kernel cannot be built. The installed server then runs on Postgres with the
// kernel hidden, on the JavaScript fallback kernel.

const repoRoot = path.resolve(import.meta.dirname, '../..');
let scratch: string;
let prefix: string;
let installed: string;
let sceneBin: string;
let tarballFiles: string[];

const run = promisify(execFile);

// Asynchronous: a synchronous npm would block the test worker for minutes.
async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run('npm', args, {
    cwd,
    env: cleanEnvironment({ npm_config_loglevel: 'error', npm_config_fund: 'false' }),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-package-'));
  prefix = path.join(scratch, 'prefix');
  // prepack compiles the TypeScript into dist/
  const packed = await npm(['pack', '--pack-destination', scratch], repoRoot);
  const tarballName = packed.trim().split('\n').pop() ?? '';
  const tarball = path.join(scratch, tarballName);
  tarballFiles = (await run('tar', ['tzf', tarball], { encoding: 'utf8' })).stdout
    .trim()
    .split('\n');
  await npm(
    [
      'install',
      '-g',
      '--prefix',
      prefix,
      '--ignore-scripts',
      '--prefer-offline',
      '--no-audit',
      tarball,
    ],
    scratch,
  );
  sceneBin = path.join(prefix, 'bin', 'scene');
  installed = path.join(prefix, 'lib', 'node_modules', 'scene');
}, 600_000);

afterAll(() => {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('ships the compiled CLI and server, not tests, benches, CI files or TypeScript sources', () => {
    expect(tarballFiles).toContain('package/bin/scene');
    expect(tarballFiles).toContain('package/dist/cli.js');
    expect(tarballFiles).toContain('package/dist/diff/diff-worker.js');
    expect(tarballFiles).toContain('package/dist/http/ui/static/app.css');
    const unwanted = tarballFiles.filter(
      (file) =>
        /^package\/(test|bench|\.ci|src)\/|\.test\.|^package\/dist\/.*\.ts$/.test(file) &&
        // the browser code is bundled from TypeScript by the server itself, at run time
        !file.startsWith('package/dist/http/ui/static/client/'),
    );
    expect(unwanted).toEqual([]);
    const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')) as {
      private?: boolean;
    };
    expect(manifest.private).toBeUndefined();
  });

  it('scene --version and scene run --help work from another directory, through the bin link', async () => {
    const elsewhere = fs.mkdtempSync(path.join(scratch, 'elsewhere-'));
    expect(fs.lstatSync(sceneBin).isSymbolicLink()).toBe(true);
    const version = await runScene(['--version'], { bin: sceneBin, cwd: elsewhere });
    expect(version.stderr).toBe('');
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(version.code).toBe(0);
    const help = await runScene(['run', '--help'], { bin: sceneBin, cwd: elsewhere });
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: scene run \[options\] <batch>/);
    expect(fs.readdirSync(elsewhere)).toEqual([]);
  });

  describe('scene serve without the native diff kernel', () => {
    let site: FixtureSite;
    let database: { url: string; drop: () => Promise<void> };
    let server: ReturnType<typeof spawn> | undefined;
    let output = '';

    beforeAll(async () => {
      // hide the kernel, as on a machine that could not build it
      fs.rmSync(path.join(installed, 'build'), { recursive: true, force: true });
      site = await startFixtureSite();
      database = await createScratchDatabase();
    });

    afterAll(async () => {
      server?.kill('SIGKILL');
      await site?.close();
      await database?.drop();
    });

    it('starts, logs the fallback kernel once, and finds a changed page (exit 1 from scene run)', async () => {
      const dataDir = path.join(scratch, 'data');
      server = spawn(sceneBin, ['serve'], {
        cwd: scratch,
        env: cleanEnvironment({
          SCENE_PORT: '0',
          SCENE_HOST: '127.0.0.1',
          SCENE_DATA_DIR: dataDir,
          SCENE_DATABASE_URL: database.url,
        }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setInterval(() => {
          const port = /Scene is running: open http:\/\/localhost:(\d+)/.exec(output)?.[1];
          if (port) {
            clearInterval(timer);
            resolve(`http://127.0.0.1:${port}`);
          } else if (server?.exitCode !== null) {
            clearInterval(timer);
            reject(new Error(`scene serve exited:\n${output}`));
          }
        }, 100);
      });
      const fallbackLines = output.split('\n').filter((line) => line.includes('diff kernel'));
      expect(fallbackLines).toHaveLength(1);
      expect(fallbackLines[0]).toMatch(/using the JavaScript fallback/);

      const client = new SceneClient({ server: url });
      const project = await client.createProject({ name: 'installed' });
      const home = await client.createPage(project.id, {
        name: 'Home',
        url: site.url + fixturePaths.home,
      });
      await client.createBatch(project.id, {
        name: 'home',
        pageIds: [home.id],
        browsers: ['chromium'],
        viewports: ['desktop'],
      });
      const run = (args: string[]) =>
        runScene(['run', 'installed/home', '--wait', ...args], {
          bin: sceneBin,
          cwd: scratch,
          env: { SCENE_SERVER: url },
        });
      const baseline = await run(['--mode', 'baseline']);
      expect(baseline.code, baseline.stderr).toBe(0);
      site.setVariant('changed');
      const changed = await run([]);
      expect(changed.code, changed.stderr + changed.stdout).toBe(1);
      expect(changed.stdout).toMatch(/Home\s+as loaded\s+chromium\s+desktop\s+major/);
      // still one line: the diff worker threads chose the same kernel without logging again
      expect(output.split('\n').filter((line) => line.includes('diff kernel'))).toHaveLength(1);
    });
  });
});
