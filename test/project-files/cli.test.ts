import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SceneClient } from '../../src/client/scene-client.ts';
import { startStorybookServer } from '../fixtures/storybook/storybook-server.ts';
import { closedPort, runScene, type CliResult } from '../support/scene-cli.ts';
import { startSceneChild, type SceneChild } from '../support/scene-child.ts';

// `scene apply` and `scene export` as a repository's CI runs them: bin/scene child processes
// against a `scene serve` child.

const projectFile = `# The shop's visual tests
version: 1
name: cli-shop
settings:
  viewports:
    - { name: desktop, width: 1280, height: 800 }
pages:
  - name: Home
    url: http://127.0.0.1:9/
    hideSelectors: [".clock"]
  - name: Admin
    url: http://127.0.0.1:9/admin
    basicAuth:
      username: admin
      password: \${CLI_SHOP_ADMIN_PASSWORD}
tasks:
  - name: Scroll
    actions:
      - { type: scroll, selector: footer }
batches:
  - name: Nightly
    pages: [Home, Admin]
    tasks: [Scroll]
    browsers: [chromium]
    viewports: [desktop]
`;

let server: SceneChild;
let workDir: string;

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-apply-'));
  server = await startSceneChild({ SCENE_DATA_DIR: path.join(workDir, 'data') });
  fs.writeFileSync(path.join(workDir, 'scene.yaml'), projectFile);
});

afterAll(async () => {
  await server?.kill();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

function scene(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runScene(args, {
    env: { SCENE_SERVER: server.url, CLI_SHOP_ADMIN_PASSWORD: 'hunter2', ...env },
    cwd: workDir,
  });
}

describe('scene apply and scene export', () => {
  it('plans with --dry-run, applies, is idempotent and exports what it applied', async () => {
    const plan = await scene(['apply', 'scene.yaml', '--dry-run']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain("Plan for project 'cli-shop' (dry run, nothing changed):");
    expect(plan.stdout).toMatch(/create +page Home/);
    const client = new SceneClient({ server: server.url });
    expect((await client.listProjects()).map((p) => p.name)).not.toContain('cli-shop');

    const applied = await scene(['apply', 'scene.yaml']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/create +batch Nightly/);
    const again = await scene(['apply', 'scene.yaml']);
    expect(again.stdout).toBe("Project 'cli-shop' is up to date: nothing to change.\n");

    const exported = await scene(['export', 'cli-shop', '-o', 'exported.yaml']);
    expect(exported.code, exported.stderr).toBe(0);
    const text = fs.readFileSync(path.join(workDir, 'exported.yaml'), 'utf8');
    expect(text).toContain('name: cli-shop');
    expect(text).toContain('password: ${SCENE_PASSWORD_ADMIN}');
    expect(text).not.toContain('hunter2');
    // The exported file applies as it is (its password variable set): nothing to change.
    const reapplied = await scene(['apply', 'exported.yaml'], {
      SCENE_PASSWORD_ADMIN: 'hunter2',
    });
    expect(reapplied.stdout, reapplied.stderr).toContain('is up to date');
    const json = await scene(['export', 'cli-shop', '--format', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ version: 1, name: 'cli-shop' });
  });

  it('fails with exit 2 naming the file line, and changes nothing', async () => {
    const broken = projectFile.replace('    pages: [Home, Admin]', '    pages: [Home, Missing]');
    fs.writeFileSync(path.join(workDir, 'broken.yaml'), broken);
    const result = await scene(['apply', 'broken.yaml']);
    expect(result.code).toBe(2);
    const line = broken.split('\n').findIndex((l) => l.includes('Missing')) + 1;
    expect(result.stderr).toContain(`broken.yaml:${line}:`);
    expect(result.stderr).toContain("no page named 'Missing'");
    expect(result.stderr).toContain('broken.yaml was not applied: nothing changed');

    const noPassword = await scene(['apply', 'scene.yaml'], { CLI_SHOP_ADMIN_PASSWORD: '' });
    expect(noPassword.code, noPassword.stdout).toBe(0); // set but empty: an empty password is valid
  });

  it('imports a backstop.json with its cookie files, reporting what did not map', async () => {
    const fixture = path.resolve(import.meta.dirname, '../fixtures/backstop');
    fs.cpSync(fixture, path.join(workDir, 'backstop'), { recursive: true });
    const config = path.join(workDir, 'backstop/backstop.json');
    fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replaceAll(':PORT/', ':9/'));
    const result = await scene([
      'import',
      'backstop',
      'backstop/backstop.json',
      '--project',
      'imported',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Imported 12 scenario(s) into project 'imported'");
    expect(result.stdout).toContain('Viewports added to the settings: phone');
    expect(result.stdout).toMatch(
      /Tall page: onReadyScript: puppet\/scrollToBottom\.js is a Node script/,
    );
    const client = new SceneClient({ server: server.url });
    const project = (await client.listProjects()).find((p) => p.name === 'imported');
    const pages = await client.listPages(project?.id ?? '');
    expect(pages.find((p) => p.name === 'Cookie banner accepted')?.actions).toEqual([
      { type: 'setCookie', value: 'fixture_consent=accepted' },
    ]);
    const missing = await scene(['import', 'backstop', 'nope.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('scene import backstop: cannot read');
  });

  it('imports a Storybook with tag filters, reporting what it added and skipped', async () => {
    const storybook = await startStorybookServer();
    try {
      const result = await scene([
        'import',
        'storybook',
        storybook.url,
        '--project',
        'components',
        '--exclude-tag',
        'no-visual',
        '--exclude-tag',
        'experimental',
      ]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain("Imported 4 of 6 story(ies) into project 'components'");
      expect(result.stdout).toContain(
        'Pages: 4 added, 0 updated, 0 removed, 0 kept (added by hand)\n',
      );
      expect(result.stdout).toContain('Added:\n  Components/Button / Primary\n');
      expect(result.stdout).toContain('Components/Card / Animated: tagged no-visual (excluded)');
      expect(result.stdout).toContain('Introduction / Docs: docs entry');
      const again = await scene(['import', 'storybook', storybook.url, '--project', 'components']);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain(
        'Added:\n  Components/Badge / New\n  Components/Card / Animated\n',
      );
    } finally {
      await storybook.close();
    }
  });

  it('says how to fix an unreachable server or an unknown project (exit 2)', async () => {
    const port = await closedPort();
    const unreachable = await scene(['apply', 'scene.yaml'], {
      SCENE_SERVER: `http://127.0.0.1:${port}`,
    });
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toMatch(/cannot reach the Scene server .*SCENE_SERVER/);
    const unknown = await scene(['export', 'no-such-project']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("no project 'no-such-project'");
  });
});
