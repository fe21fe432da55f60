import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// fast-xml-parser 3 is installed with s3rver (a dev dependency)
import { parse as parseXml } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SceneClient, type Execution, type Run } from '../../src/client/scene-client.ts';
import { fixturePaths, startFixtureSite, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import { closedPort, runScene, startScene, type CliResult } from '../support/scene-cli.ts';
import { startSceneChild, type SceneChild } from '../support/scene-child.ts';

// `scene run` as CI runs it: the real CLI as a child process against a real `scene serve`
// child (one for the whole file) capturing the fixture site with Chromium.

let site: FixtureSite;
let server: SceneChild;
let client: SceneClient;
let workDir: string;
const projectName = 'ci-shop';

beforeAll(async () => {
  site = await startFixtureSite();
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-run-'));
  server = await startSceneChild({ SCENE_DATA_DIR: path.join(workDir, 'data') });
  client = new SceneClient({ server: server.url });
  const project = await client.createProject({ name: projectName });
  const page = (name: string, url: string) => client.createPage(project.id, { name, url });
  const home = await page('Home', site.url + fixturePaths.home);
  const about = await page('About', site.url + fixturePaths.about);
  const broken = await page('Broken', site.url + fixturePaths.serverError);
  const slow = await page('Slow', site.url + fixturePaths.slow);
  const task = await client.createTask(project.id, {
    name: 'open menu',
    actions: [{ type: 'waitForTimeout', ms: 10 }],
  });
  const batch = (name: string, pageIds: string[], taskIds: string[] = []) =>
    client.createBatch(project.id, {
      name,
      pageIds,
      taskIds,
      browsers: ['chromium'],
      viewports: ['desktop'],
    });
  await batch('site', [home.id, about.id], [task.id]);
  await batch('broken', [broken.id]);
  await batch('slow', [slow.id]);
  // long enough to interrupt `scene run` while it waits
  const slower = await page('Slower', `${site.url}${fixturePaths.slow}?ms=6000`);
  await batch('slower', [slower.id]);
  await batch('growing', [about.id]);
  const staging = await client.createPage(project.id, {
    name: 'Staging home',
    url: site.url + fixturePaths.home,
    referenceUrl: site.url + fixturePaths.about,
  });
  const same = await client.createPage(project.id, {
    name: 'Staging about',
    url: site.url + fixturePaths.about,
    referenceUrl: `${site.url}${fixturePaths.about}?production=1`,
  });
  await batch('staging-vs-prod', [staging.id]);
  await batch('same-as-prod', [same.id]);
});

afterAll(async () => {
  await server?.kill();
  await site?.close();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

function scene(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runScene(['run', ...args], { env: { SCENE_SERVER: server.url, ...env }, cwd: workDir });
}

function file(name: string): string {
  return path.join(workDir, name);
}

function runIdOf(result: CliResult): string {
  const id = /^Run (\S+):/m.exec(result.stdout)?.[1];
  if (!id) throw new Error(`no run id in:\n${result.stdout}\n${result.stderr}`);
  return id;
}

interface JunitCase {
  '@_name': string;
  failure?: { '@_message': string };
  error?: { '@_message': string };
}

function junitCases(xmlFile: string): JunitCase[] {
  // validates (throws on malformed XML), then parses
  const parsed = parseXml(
    fs.readFileSync(xmlFile, 'utf8'),
    {
      ignoreAttributes: false,
      attributeNamePrefix: '@_',
      arrayMode: (tagName: string) => tagName === 'testcase' || tagName === 'testsuite',
    },
    true,
  ) as { testsuites: { testsuite: { testcase: JunitCase[] }[] } };
  expect(parsed.testsuites.testsuite).toHaveLength(1);
  return parsed.testsuites.testsuite[0]?.testcase ?? [];
}

function expectedCellNames(executions: Execution[]): string[] {
  return executions.map((e) =>
    [e.pageName, e.taskName ?? 'as loaded', e.browser, e.viewport.name].join(' › '),
  );
}

async function expectJsonEqualsApi(jsonFile: string, runId: string): Promise<void> {
  const report = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as {
    run: Run;
    executions: Execution[];
  };
  expect(report.run).toEqual(await client.getRun(runId));
  expect(report.executions).toEqual(await client.listExecutions(runId));
}

describe('scene run --wait', () => {
  it('records a baseline (exit 0), then an unchanged compare exits 0 with reports naming every cell', async () => {
    const baseline = await scene([`${projectName}/site`, '--mode', 'baseline', '--wait']);
    expect(baseline.code, baseline.stderr + baseline.stdout).toBe(0);
    expect(baseline.stderr).toBe('');
    const baselineRun = await client.getRun(runIdOf(baseline));
    expect(baselineRun).toMatchObject({ mode: 'baseline', status: 'finished' });

    const compare = await scene([
      `${projectName}/site`,
      '--wait',
      '--branch',
      'feature-x',
      '--commit',
      'abc123',
      '--junit',
      'reports/unchanged.xml',
      '--json',
      'reports/unchanged.json',
      '--markdown',
      'reports/unchanged.md',
    ]);
    expect(compare.code, compare.stderr + compare.stdout).toBe(0);
    const runId = runIdOf(compare);
    const run = await client.getRun(runId);
    expect(run).toMatchObject({
      mode: 'compare',
      status: 'finished',
      baselineId: baselineRun.baselineId,
    });
    // not a TTY: one plain line per finished cell, then the run's URL
    expect(compare.stdout).toMatch(
      /^\[2\/2\] (Home|About) › open menu › chromium › desktop: unchanged$/m,
    );
    expect(compare.stdout).toContain(`${server.url}/runs/${runId}`);

    const executions = await client.listExecutions(runId);
    expect(executions).toHaveLength(2); // pages × tasks
    const cases = junitCases(file('reports/unchanged.xml'));
    expect(cases.map((c) => c['@_name']).sort()).toEqual(expectedCellNames(executions).sort());
    expect(cases.filter((c) => c.failure || c.error)).toEqual([]);
    await expectJsonEqualsApi(file('reports/unchanged.json'), runId);
    expect(fs.readFileSync(file('reports/unchanged.md'), 'utf8')).toMatch(/no visual changes/);
  });

  it('a changed page exits 1 with --fail-on major (failure in JUnit, named in Markdown), 0 with --fail-on never', async () => {
    site.setVariant('changed');
    try {
      const summaryFile = file('step-summary.md');
      const changed = await scene(
        [
          `${projectName}/site`,
          '--wait',
          '--fail-on',
          'major',
          '--junit',
          'changed.xml',
          '--json',
          'changed.json',
          '--markdown',
          'changed.md',
        ],
        { GITHUB_STEP_SUMMARY: summaryFile },
      );
      expect(changed.code, changed.stderr + changed.stdout).toBe(1);
      expect(changed.stderr).toBe('');
      const runId = runIdOf(changed);
      const executions = await client.listExecutions(runId);
      const changedCells = executions.filter((e) => e.diffLevel === 'major');
      expect(changedCells.map((e) => e.pageName)).toEqual(['Home']);
      // the closing table of changed cells
      expect(changed.stdout).toMatch(/page\s+task\s+browser\s+viewport\s+level\s+percent/);
      expect(changed.stdout).toMatch(/Home\s+open menu\s+chromium\s+desktop\s+major\s+[\d.]+%/);

      const cases = junitCases(file('changed.xml'));
      expect(cases.map((c) => c['@_name']).sort()).toEqual(expectedCellNames(executions).sort());
      const failures = cases.filter((c) => c.failure);
      expect(failures.map((c) => c['@_name']).sort()).toEqual(
        expectedCellNames(changedCells).sort(),
      );
      for (const failure of failures) {
        expect(failure.failure?.['@_message']).toMatch(
          new RegExp(`major change: [\\d.]+% of pixels differ .*${server.url}/executions/\\w+`),
        );
      }
      await expectJsonEqualsApi(file('changed.json'), runId);
      const markdown = fs.readFileSync(file('changed.md'), 'utf8');
      for (const name of expectedCellNames(changedCells)) expect(markdown).toContain(name);
      expect(markdown).not.toContain('About ›');
      expect(markdown).toContain(`${server.url}/runs/${runId}`);
      expect(fs.readFileSync(summaryFile, 'utf8')).toBe(markdown);

      const tolerant = await scene([`${projectName}/site`, '--wait', '--fail-on', 'never']);
      expect(tolerant.code, tolerant.stderr + tolerant.stdout).toBe(0);
      expect(tolerant.stdout).toMatch(/Home\s+open menu\s+chromium\s+desktop\s+major/);
    } finally {
      site.setVariant('original');
    }
  });

  it('a page answering 500 fails the run: exit 2, one line on stderr, an <error> in JUnit', async () => {
    const result = await scene([
      `${projectName}/broken`,
      '--mode',
      'baseline',
      '--wait',
      '--junit',
      'broken.xml',
    ]);
    expect(result.code, result.stdout).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /run \S+ failed: 1 of 1 cell\(s\) could not be captured — Broken › as loaded › chromium › desktop: .*500/,
    );
    const cases = junitCases(file('broken.xml'));
    expect(cases).toHaveLength(1);
    expect(cases[0]?.error?.['@_message']).toMatch(/500/);
  });

  it('--timeout 1 on a slow run exits 2 and says the run keeps going', async () => {
    const result = await scene([
      `${projectName}/slow`,
      '--mode',
      'baseline',
      '--wait',
      '--timeout',
      '1',
    ]);
    expect(result.code, result.stdout).toBe(2);
    expect(result.stderr).toMatch(
      /^scene run: run \S+ did not end within --timeout 1 s; it keeps running on the server/,
    );
    await client.waitForRun(runIdOf(result)); // let it end before the server goes
  });

  it('an unreachable server exits 2 with a clear message', async () => {
    const port = await closedPort();
    const result = await scene([`${projectName}/site`, '--wait'], {
      SCENE_SERVER: `http://127.0.0.1:${port}`,
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `scene run: cannot reach the Scene server at http://127.0.0.1:${port}: ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:${port}); start Scene there or point --server / SCENE_SERVER at it\n`,
    );
  });

  it('an unknown batch and bad options exit 2 saying what to fix', async () => {
    const unknown = await scene([`${projectName}/nope`]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/batch 'ci-shop\/nope' not found .*has no batch named 'nope'/);
    const badLevel = await scene([`${projectName}/site`, '--fail-on', 'sometimes']);
    expect(badLevel.code).toBe(2);
    expect(badLevel.stderr).toMatch(/--fail-on <level>' argument 'sometimes' is invalid/);
    const badTimeout = await scene([`${projectName}/site`, '--wait', '--timeout', 'soon']);
    expect(badTimeout.code).toBe(2);
    expect(badTimeout.stderr).toMatch(/--timeout must be a number of seconds/);
  });

  it('--mode reference compares each page with its referenceUrl: a differing one exits 1, an identical one 0', async () => {
    const differing = await scene([
      `${projectName}/staging-vs-prod`,
      '--mode',
      'reference',
      '--wait',
      '--fail-on',
      'major',
    ]);
    expect(differing.code, differing.stderr + differing.stdout).toBe(1);
    const run = await client.getRun(runIdOf(differing));
    expect(run.mode).toBe('reference');
    const [cell] = await client.listExecutions(run.id);
    expect(cell).toMatchObject({ diffLevel: 'major' });
    expect(cell?.artifacts.reference).toEqual(expect.any(String));

    const identical = await scene([`${projectName}/same-as-prod`, '--mode', 'reference', '--wait']);
    expect(identical.code, identical.stderr + identical.stdout).toBe(0);
    const [same] = await client.listExecutions(runIdOf(identical));
    expect(same).toMatchObject({ diffLevel: 'none', diffPixels: 0 });

    const withBaseline = await scene([
      `${projectName}/staging-vs-prod`,
      '--mode',
      'reference',
      '--baseline',
      'abc',
    ]);
    expect(withBaseline.code).toBe(2);
    expect(withBaseline.stderr).toMatch(/--baseline is for compare runs: a reference run/);
  });

  it('without --wait prints the run id and URL and exits 0, whatever the server configuration says', async () => {
    // a client command reads none of the server's SCENE_* configuration (serve would refuse it)
    const result = await scene([`${projectName}/site`], {
      SCENE_PORT: 'not-a-port',
      SCENE_DATABASE_URL: 'nonsense',
      SCENE_QUEUE: 'nonsense',
    });
    expect(result.code, result.stderr).toBe(0);
    const id = /^Launched run (\S+) .*: (\S+)$/m.exec(result.stdout);
    expect(id?.[2]).toBe(`${server.url}/runs/${id?.[1]}`);
    await client.waitForRun(id?.[1] ?? '');
  });

  it('passes --baseline (an id prefix) and --jira to the launch', async () => {
    const { batch } = await client.resolveBatch(`${projectName}/site`);
    const [baseline] = await client.listBaselines({ batchId: batch.id });
    const baselineId = baseline?.id ?? '';
    const result = await scene([
      `${projectName}/site`,
      '--baseline',
      baselineId.slice(0, 10),
      '--jira',
      'CI-42',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const runId = /^Launched run (\S+) /m.exec(result.stdout)?.[1] ?? '';
    await client.waitForRun(runId);
    expect(await client.getRun(runId)).toMatchObject({ baselineId, jiraIssue: 'CI-42' });
  });

  it('reports a cell with no baseline image yet as new, not as a failure (exit 0)', async () => {
    const baseline = await scene([`${projectName}/growing`, '--mode', 'baseline', '--wait']);
    expect(baseline.code, baseline.stderr + baseline.stdout).toBe(0);
    const growing = await client.resolveBatch(`${projectName}/growing`);
    const home = (await client.listPages(growing.batch.projectId)).find((p) => p.name === 'Home');
    await client.updateBatch(growing.batch.id, {
      pageIds: [...growing.batch.pageIds, home?.id ?? ''],
    });
    const compare = await scene([
      `${projectName}/growing`,
      '--wait',
      '--fail-on',
      'minor',
      '--junit',
      'growing.xml',
      '--markdown',
      'growing.md',
    ]);
    expect(compare.code, compare.stderr + compare.stdout).toBe(0);
    expect(compare.stderr).toBe('');
    expect(compare.stdout).toMatch(/^\[\d\/2\] Home › as loaded › chromium › desktop: new$/m);
    expect(compare.stdout).toMatch(/0 major, 0 minor, 1 unchanged, 1 new, 0 failed/);
    const cases = junitCases(file('growing.xml'));
    expect(cases.map((c) => c['@_name']).sort()).toEqual([
      'About › as loaded › chromium › desktop',
      'Home › as loaded › chromium › desktop',
    ]);
    expect(cases.filter((c) => c.failure || c.error)).toEqual([]);
    expect(fs.readFileSync(file('growing.md'), 'utf8')).toMatch(
      /new.*Home › as loaded › chromium › desktop|Home › as loaded › chromium › desktop.*new/,
    );
  });

  it('takes the branch and commit from the CI variables, else from git in the working directory', async () => {
    const launched = async (env: Record<string, string>, cwd = workDir): Promise<Run> => {
      const result = await runScene(['run', `${projectName}/broken`, '--mode', 'baseline'], {
        env: { SCENE_SERVER: server.url, ...env },
        cwd,
      });
      expect(result.code, result.stderr).toBe(0);
      const id = /^Launched run (\S+) /m.exec(result.stdout)?.[1] ?? '';
      return client.waitForRun(id).then(() => client.getRun(id));
    };
    // a pull request on GitHub: GITHUB_REF_NAME is the merge ref, GITHUB_HEAD_REF the branch
    expect(
      await launched({
        GITHUB_HEAD_REF: 'feature-gh',
        GITHUB_REF_NAME: '12/merge',
        GITHUB_SHA: 'deadbeef01',
      }),
    ).toMatchObject({ branch: 'feature-gh', commit: 'deadbeef01' });
    expect(
      await launched({ GITHUB_REF_NAME: 'release-1', GITHUB_SHA: 'deadbeef02' }),
    ).toMatchObject({ branch: 'release-1', commit: 'deadbeef02' });
    expect(
      await launched({ CI_COMMIT_REF_NAME: 'feature-gl', CI_COMMIT_SHA: 'cafe0123' }),
    ).toMatchObject({ branch: 'feature-gl', commit: 'cafe0123' });

    const repo = fs.mkdtempSync(path.join(workDir, 'repo-'));
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
    git('init', '--quiet', '--initial-branch', 'feature-local');
    git(
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@example.com',
      'commit',
      '--quiet',
      '--allow-empty',
      '-m',
      'x',
    );
    const head = git('rev-parse', 'HEAD');
    expect(await launched({}, repo)).toMatchObject({ branch: 'feature-local', commit: head });
    // options win over both
    const explicit = await runScene(
      [
        'run',
        `${projectName}/broken`,
        '--mode',
        'baseline',
        '--branch',
        'given',
        '--commit',
        'abcd',
      ],
      { env: { SCENE_SERVER: server.url, GITHUB_HEAD_REF: 'feature-gh' }, cwd: repo },
    );
    const explicitId = /^Launched run (\S+) /m.exec(explicit.stdout)?.[1] ?? '';
    await client.waitForRun(explicitId);
    expect(await client.getRun(explicitId)).toMatchObject({ branch: 'given', commit: 'abcd' });
  });

  it('a run cancelled on the server while waiting exits 2, saying so, with an <error> per cell', async () => {
    const running = startScene(
      ['run', `${projectName}/slower`, '--mode', 'baseline', '--wait', '--junit', 'cancelled.xml'],
      { env: { SCENE_SERVER: server.url }, cwd: workDir },
    );
    const id = (await running.waitForStdout(/^Run (\S+):/m))[1] ?? '';
    await client.cancelRun(id);
    const result = await running.result;
    expect(result.code, result.stdout).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(
        `^scene run: run ${id} was cancelled \\(.*\\): see ${server.url}/runs/${id}, then launch it again\\n$`,
      ),
    );
    const cases = junitCases(file('cancelled.xml'));
    expect(cases.map((c) => Boolean(c.error))).toEqual([true]);
  });

  it('Ctrl-C while waiting leaves the run going unless --cancel-on-interrupt, and says so', async () => {
    const interrupted = async (extra: string[]) => {
      const running = startScene(
        ['run', `${projectName}/slower`, '--mode', 'baseline', '--wait', ...extra],
        {
          env: { SCENE_SERVER: server.url },
          cwd: workDir,
        },
      );
      const id = (await running.waitForStdout(/^Run (\S+):/m))[1] ?? '';
      running.child.kill('SIGINT');
      return { id, result: await running.result };
    };

    const kept = await interrupted([]);
    expect(kept.result.code).toBe(2);
    expect(kept.result.stderr).toBe(
      `scene run: interrupted: stopped waiting; run ${kept.id} keeps running on the server (${server.url}/runs/${kept.id}); pass --cancel-on-interrupt to cancel it on Ctrl-C\n`,
    );
    expect(await client.waitForRun(kept.id).then(() => client.getRun(kept.id))).toMatchObject({
      status: 'finished',
    });

    const cancelled = await interrupted(['--cancel-on-interrupt']);
    expect(cancelled.result.code).toBe(2);
    expect(cancelled.result.stderr).toBe(
      `scene run: interrupted: cancelled run ${cancelled.id} on the server (${server.url}/runs/${cancelled.id})\n`,
    );
    await client.waitForRun(cancelled.id);
    expect(await client.getRun(cancelled.id)).toMatchObject({ status: 'cancelled' });
  });
});
