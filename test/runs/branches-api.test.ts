import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeArtifactFile } from '../../src/artifacts/artifact-files.ts';
import { insertArtifact } from '../../src/artifacts/artifacts.repository.ts';
import type { Baseline } from '../../src/baselines/baseline.schema.ts';
import { insertBaseline, insertBaselineEntry } from '../../src/baselines/baselines.repository.ts';
import type { Run } from '../../src/runs/run.schema.ts';
import { newId } from '../../src/shared/ids.ts';
import { createTestApp, dialects, type TestApp } from '../support/test-app.ts';
import { createBatch, injectClient, type SceneClient } from '../support/scene-client.ts';

// Branch-aware launches at the API level, on both dialects: the fields runs and baselines
// carry, the ?branch= filters, name validation, and which baseline a compare run picks (and
// the reason it records). No engine runs: baselines with images are seeded by hand. The
// approvals (copy-on-write) run end to end in branches-browser.test.ts.

const site = 'http://127.0.0.1:9';

describe.each(dialects)('branches API on %s', (dialect) => {
  let t: TestApp;
  let api: SceneClient;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    api = injectClient(t.server);
  });
  afterAll(() => t.close());

  /** Gives a baseline one image, so that compare runs can use it. */
  async function addImage(projectId: string, baselineId: string): Promise<void> {
    const artifact = await writeArtifactFile(t.app, {
      projectId,
      runId: 'none',
      executionId: 'none',
      kind: 'screenshot',
      extension: 'png',
      bytes: Buffer.from(`image of ${baselineId}`),
    });
    await insertArtifact(t.app.db, { ...artifact, runId: null, executionId: null });
    await insertBaselineEntry(t.app.db, {
      layoutArtifactId: null,
      id: newId(),
      baselineId,
      matrixKey: 'x||chromium|desktop',
      pageId: 'x',
      taskId: null,
      browser: 'chromium',
      viewportName: 'desktop',
      artifactId: artifact.id,
      sha256: artifact.sha256,
      sourceExecutionId: null,
      createdAt: new Date().toISOString(),
    });
  }

  /** A baseline with an image, recorded by no run (as after its run was deleted). */
  async function seedBaseline(
    projectId: string,
    batchId: string,
    branch: string | null,
    createdAt: string,
  ): Promise<string> {
    const id = newId();
    await insertBaseline(t.app.db, {
      id,
      projectId,
      batchId,
      sourceRunId: null,
      branch,
      createdAt,
      updatedAt: createdAt,
    });
    await addImage(projectId, id);
    return id;
  }

  async function cancelAll(runs: Run[]): Promise<void> {
    for (const run of runs) {
      if (run.status === 'queued' || run.status === 'running') {
        await api.ok('POST', `/runs/${run.id}/cancel`);
      }
    }
  }

  it('records branch, base branch and commit on runs and baselines, and filters by branch', async () => {
    const { batchId } = await createBatch(api, { pages: [{ name: 'p', url: `${site}/` }] });
    const onMain = await api.launchRun(batchId, {
      mode: 'baseline',
      branch: 'main',
      commit: 'ABCDEF0123456789',
    });
    expect(onMain).toMatchObject({
      branch: 'main',
      baseBranch: 'main',
      commit: 'abcdef0123456789',
    });
    const onFeature = await api.launchRun(batchId, {
      mode: 'baseline',
      branch: 'feature/login-form',
      baseBranch: 'develop',
    });
    expect(onFeature).toMatchObject({ branch: 'feature/login-form', baseBranch: 'develop' });
    const plain = await api.launchRun(batchId, { mode: 'baseline' });
    for (const field of ['branch', 'baseBranch', 'commit', 'baselineReason']) {
      expect(plain).not.toHaveProperty(field);
    }
    expect((await api.getRun(onMain.id)).commit).toBe('abcdef0123456789');

    const byBranch = async (branch: string) =>
      (
        await api.ok<{ items: Run[] }>(
          'GET',
          `/runs?batchId=${batchId}&branch=${encodeURIComponent(branch)}`,
        )
      ).items.map((r) => r.id);
    expect(await byBranch('main')).toEqual([onMain.id]);
    expect(await byBranch('feature/login-form')).toEqual([onFeature.id]);
    expect(await byBranch('nope')).toEqual([]);

    // A baseline run records its branch's baseline; the list says whose each is.
    const baselines = await api.listBaselines({ batchId: batchId });
    const branchOf = new Map(baselines.map((b) => [b.id, b.branch]));
    expect(branchOf.get(onMain.baselineId ?? '')).toBe('main');
    expect(branchOf.get(onFeature.baselineId ?? '')).toBe('feature/login-form');
    expect(branchOf.get(plain.baselineId ?? '')).toBeUndefined();
    expect(branchOf.has(plain.baselineId ?? '')).toBe(true);
    const mainOnly = await api.ok<{ items: Baseline[] }>(
      'GET',
      `/baselines?batchId=${batchId}&branch=main`,
    );
    expect(mainOnly.items.map((b) => b.id)).toEqual([onMain.baselineId]);

    const audit = await api.ok<{ items: { changes: Record<string, unknown> }[] }>(
      'GET',
      `/audit?entityId=${onMain.id}`,
    );
    expect(JSON.stringify(audit.items[0]?.changes)).toMatch(/"branch"/);
    await cancelAll([onMain, onFeature, plain]);
  });

  it('refuses branch names git would refuse, and bad commits, with a 400 naming the field', async () => {
    const { batchId, projectId } = await createBatch(api, {
      pages: [{ name: 'p', url: `${site}/` }],
    });
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ branch: 'feature..x' }, /branch: must be a git branch name: must not contain '\.\.'/],
      [{ branch: 'my branch' }, /branch: .*must not contain a space/],
      [{ branch: '-x' }, /branch: .*must not start with '-'/],
      [{ branch: 'x.lock' }, /branch: .*'\.lock'/],
      [{ branch: 'a~1' }, /branch: .*'~'/],
      [{ branch: '' }, /branch: .*must not be empty/],
      [{ branch: 'b'.repeat(201) }, /branch: .*at most 200 characters/],
      [{ branch: 'ok', baseBranch: 'main/' }, /baseBranch: .*must not start or end with '\/'/],
      [{ branch: 'ok', commit: 'not-a-sha' }, /commit: must be a commit id/],
      [{ branch: 7 }, /branch/],
    ];
    for (const [extra, message] of cases) {
      const response = await api.request<{ error: { message: string } }>(
        'POST',
        `/batches/${batchId}/runs`,
        { mode: 'baseline', ...extra },
      );
      expect(response.status, JSON.stringify(extra)).toBe(400);
      expect(response.body.error.message).toMatch(message);
    }
    const badFilter = await api.request<{ error: { message: string } }>(
      'GET',
      `/runs?branch=${encodeURIComponent('a..b')}`,
    );
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.error.message).toMatch(/branch: must be a git branch name/);
    expect((await api.request('GET', '/baselines?branch=a%20b')).status).toBe(400);
    expect((await api.ok<{ items: Run[] }>('GET', `/runs?projectId=${projectId}`)).items).toEqual(
      [],
    );
  });

  it("compares a branch with its latest baseline, else the base branch's, and records why", async () => {
    const { batchId, projectId } = await createBatch(api, {
      pages: [{ name: 'p', url: `${site}/` }],
    });
    const launched: Run[] = [];
    const compare = async (body: { branch?: string; baseBranch?: string; baselineId?: string }) => {
      const run = await api.launchRun(batchId, { mode: 'compare', ...body });
      launched.push(run);
      return run;
    };

    // No baseline anywhere: the message names the branch and its base.
    const none = await api.request<{ error: { message: string } }>(
      'POST',
      `/batches/${batchId}/runs`,
      { mode: 'compare', branch: 'feature-x' },
    );
    expect(none.status).toBe(422);
    expect(none.body.error.message).toMatch(
      /has no baseline on branch 'feature-x' nor on its base branch 'main' yet: launch a run with mode "baseline" first/,
    );

    // A branchless baseline (as every baseline from before branches is) is the base line's.
    const branchless = await seedBaseline(projectId, batchId, null, '2026-01-01T00:00:00.000Z');
    const fromBranchless = await compare({ branch: 'feature-x' });
    expect(fromBranchless.baselineId).toBe(branchless);
    expect(fromBranchless.baselineReason).toBe(
      `branch 'feature-x' has no baseline; using 'main' (latest, recorded without a branch, baseline ${branchless})`,
    );

    // A baseline recorded on main by a run (ended, then given an image here).
    const mainRun = await api.launchRun(batchId, { mode: 'baseline', branch: 'main' });
    await api.ok('POST', `/runs/${mainRun.id}/cancel`);
    const mainBaseline = mainRun.baselineId ?? '';
    await addImage(projectId, mainBaseline);

    const fellBack = await compare({ branch: 'feature-x' });
    expect(fellBack).toMatchObject({
      baselineId: mainBaseline,
      branch: 'feature-x',
      baseBranch: 'main',
      baselineReason: `branch 'feature-x' has no baseline; using 'main' (latest, run ${mainRun.id})`,
    });
    const onMain = await compare({ branch: 'main' });
    expect(onMain).toMatchObject({
      baselineId: mainBaseline,
      baselineReason: `using 'main' (latest, run ${mainRun.id})`,
    });

    // feature-x gets its own, newest baseline: its runs use it; nobody else's do.
    const featureBaseline = await seedBaseline(
      projectId,
      batchId,
      'feature-x',
      new Date(Date.now() + 60_000).toISOString(),
    );
    const own = await compare({ branch: 'feature-x' });
    expect(own).toMatchObject({
      baselineId: featureBaseline,
      baselineReason: `using 'feature-x' (latest, baseline ${featureBaseline})`,
    });
    const plain = await compare({});
    expect(plain).toMatchObject({
      baselineId: mainBaseline,
      baselineReason: `no branch given; using 'main' (latest, run ${mainRun.id})`,
    });
    expect(plain).not.toHaveProperty('branch');
    expect((await compare({ branch: 'main' })).baselineId).toBe(mainBaseline);
    expect((await compare({ branch: 'feature-y' })).baselineId).toBe(mainBaseline);

    // Another base branch: develop has none of its own, so its line is the branchless one.
    const developLine = await compare({ branch: 'feature-y', baseBranch: 'develop' });
    expect(developLine).toMatchObject({
      baselineId: branchless,
      baselineReason: `branch 'feature-y' has no baseline; using 'develop' (latest, recorded without a branch, baseline ${branchless})`,
    });

    // An explicit baseline wins over the branch rule, whatever its branch.
    const explicit = await compare({ branch: 'main', baselineId: featureBaseline.slice(0, 10) });
    expect(explicit).toMatchObject({
      baselineId: featureBaseline,
      baselineReason: `baselineId '${featureBaseline.slice(0, 10)}' given; using baseline ${featureBaseline} (branch 'feature-x')`,
    });

    // The run log says it too.
    const log = await api.runLog(fellBack.id);
    expect(log[0]?.message).toMatch(
      new RegExp(
        `on branch 'feature-x' .*against baseline ${mainBaseline} \\(branch 'feature-x' has no baseline`,
      ),
    );
    await cancelAll(launched);
  });
});
