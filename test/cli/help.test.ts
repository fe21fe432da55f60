import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScene } from '../support/scene-cli.ts';

// --help and --version only print: no server starts, no data directory or database appears,
// no migration runs, whatever the command.

const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-help-'));
const dataDir = path.join(cwd, 'data-that-must-not-appear');
const env = { SCENE_DATA_DIR: dataDir };

afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

describe('scene --help and --version', () => {
  it('--version and -V print the package version', async () => {
    const { version } = JSON.parse(
      fs.readFileSync(path.join(import.meta.dirname, '../../package.json'), 'utf8'),
    ) as { version: string };
    for (const flag of ['--version', '-V']) {
      const result = await runScene([flag], { cwd, env });
      expect({ code: result.code, stdout: result.stdout }).toEqual({
        code: 0,
        stdout: `${version}\n`,
      });
    }
  });

  it.each([
    'serve',
    'migrate',
    'worker',
    'run',
    'doctor',
    'users',
    'users create',
    'export',
    'apply',
    'import',
    'import backstop',
  ])('%s --help prints its help and exits 0 without side effects', async (command) => {
    const result = await runScene([...command.split(' '), '--help'], { cwd, env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Usage: scene ${command} `));
    expect(result.stderr).toBe('');
    expect(fs.existsSync(dataDir)).toBe(false);
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  it('help <command> works too', async () => {
    const result = await runScene(['help', 'run'], { cwd, env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/--fail-on <level>/);
    expect(result.stdout).toMatch(/Exit codes:/);
  });
});
