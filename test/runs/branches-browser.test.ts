import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baseline } from '../../src/baselines/baseline.schema.ts';
import type { Execution } from '../../src/runs/run.schema.ts';
import { fixturePaths, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import { startCaptureHarness, type CaptureHarness } from '../support/capture-harness.ts';
import { dialects, type TestApp } from '../support/test-app.ts';
import { createBatch, pollRun, type SceneClient } from '../support/scene-client.ts';

// Branch-aware baselines end to end: real Chromium captures of the fixture site, diffs and
// approvals, on both dialects. The judged scenario of issue #12: a baseline on main; a compare
// on feature-x uses it (and says so); approving a changed cell on feature-x gives feature-x its
// own baseline and leaves main's alone.

interface Approval {
  execution: Execution;
  baseline: Baseline;
  previousEntryId: string | null;
  changed: boolean;
}

function byPage(executions: Execution[]): Record<string, Execution> {
  return Object.fromEntries(executions.map((e) => [e.pageName, e]));
}

describe.each(dialects)('branch-aware baselines with Chromium on %s', (dialect) => {
  let site: FixtureSite;
  let t: TestApp;
  let api: SceneClient;
  let harness: CaptureHarness;
  beforeAll(async () => {
    harness = await startCaptureHarness(dialect);
    ({ site, t, api } = harness);
  });
  afterAll(() => harness.close());

  it("approving on feature-x changes only feature-x's baseline (copy-on-write); main still sees the change", async () => {
    site.setVariant('original');
    const { batchId } = await createBatch(api, {
      pages: [
        { name: 'home', url: site.url + fixturePaths.home },
        { name: 'about', url: site.url + fixturePaths.about },
      ],
    });
    const run = async (body: { mode: 'baseline' | 'compare'; branch?: string }) => {
      const finished = await pollRun(api, (await api.launchRun(batchId, body)).id);
      expect(finished.status, JSON.stringify(finished)).toBe('finished');
      return { run: finished, cells: byPage(await api.listExecutions(finished.id)) };
    };
    const approve = (executionId: string) =>
      api.ok<Approval>('POST', `/executions/${executionId}/approve`);
    const branchBaselines = async (branch: string) =>
      (await api.ok<{ items: Baseline[] }>('GET', `/baselines?batchId=${batchId}&branch=${branch}`))
        .items;

    // 1. The baseline on main.
    const recorded = await run({ mode: 'baseline', branch: 'main' });
    const mainBaselineId = recorded.run.baselineId ?? '';
    expect(await api.ok<Baseline>('GET', `/baselines/${mainBaselineId}`)).toMatchObject({
      branch: 'main',
      entries: 2,
    });

    // 2. The site changes; feature-x has no baseline, so it compares with main's, and says so.
    site.setVariant('changed');
    const featureRun = await run({ mode: 'compare', branch: 'feature-x' });
    expect(featureRun.run).toMatchObject({
      branch: 'feature-x',
      baseBranch: 'main',
      baselineId: mainBaselineId,
      baselineReason: `branch 'feature-x' has no baseline; using 'main' (latest, run ${recorded.run.id})`,
      summary: { diffLevel: 'major' },
    });
    expect(featureRun.cells.home?.diffLevel).toBe('major');
    expect(featureRun.cells.about?.diffLevel).toBe('none');

    // 3. Approving the changed cell on feature-x creates feature-x's baseline: a copy of main's
    //    with that cell replaced. Main's baseline is untouched.
    const homeId = featureRun.cells.home?.id ?? '';
    const approved = await approve(homeId);
    expect(approved).toMatchObject({
      changed: true,
      execution: { approved: true },
      baseline: {
        branch: 'feature-x',
        forkedFromId: mainBaselineId,
        sourceRunId: null,
        entries: 2,
      },
    });
    const featureBaselineId = approved.baseline.id;
    expect(featureBaselineId).not.toBe(mainBaselineId);
    expect(approved.previousEntryId).not.toBeNull(); // the copied main image, kept as history
    expect((await approve(homeId)).changed).toBe(false);
    expect((await branchBaselines('feature-x')).map((b) => b.id)).toEqual([featureBaselineId]);

    const mainEntries = await t.app.db
      .selectFrom('baseline_entries')
      .select(['superseded_at'])
      .where('baseline_id', '=', mainBaselineId)
      .execute();
    expect(mainEntries.map((e) => e.superseded_at)).toEqual([null, null]);
    const featureEntries = await t.app.db
      .selectFrom('baseline_entries')
      .select(['superseded_at'])
      .where('baseline_id', '=', featureBaselineId)
      .execute();
    expect(featureEntries.filter((e) => e.superseded_at === null)).toHaveLength(2);
    expect(featureEntries.filter((e) => e.superseded_at !== null)).toHaveLength(1);
    const audit = await api.ok<{ items: { entityType: string; action: string }[] }>(
      'GET',
      `/audit?entityId=${featureBaselineId}`,
    );
    expect(audit.items.map((e) => `${e.entityType}:${e.action}`)).toEqual([
      'baseline:update',
      'baseline:create',
    ]);
    expect((await api.runLog(featureRun.run.id)).map((l) => l.message).join('\n')).toMatch(
      new RegExp(
        `approved into baseline ${featureBaselineId} of branch 'feature-x' \\(the branch's first approval: a copy of baseline ${mainBaselineId}`,
      ),
    );
    // The run's executions stay linked to the images they were compared with (main's).
    const recordedHome = byPage(await api.listExecutions(recorded.run.id)).home;
    const stillLinked = byPage(await api.listExecutions(featureRun.run.id)).home;
    expect(stillLinked?.artifacts.baseline).toBe(recordedHome?.artifacts.screenshot);

    // 4. A compare on main still sees the change; so does one without a branch.
    const onMain = await run({ mode: 'compare', branch: 'main' });
    expect(onMain.run).toMatchObject({
      baselineId: mainBaselineId,
      baselineReason: `using 'main' (latest, run ${recorded.run.id})`,
    });
    expect(onMain.cells.home?.diffLevel).toBe('major');
    const branchless = await run({ mode: 'compare' });
    expect(branchless.run.baselineId).toBe(mainBaselineId);
    expect(branchless.cells.home?.diffLevel).toBe('major');

    // 5. A compare on feature-x sees none.
    const onFeature = await run({ mode: 'compare', branch: 'feature-x' });
    expect(onFeature.run).toMatchObject({
      baselineId: featureBaselineId,
      summary: { diffLevel: 'none', none: 2, noBaseline: 0 },
    });
    expect(onFeature.run.baselineReason).toMatch(
      new RegExp(`^using 'feature-x' \\(latest, baseline ${featureBaselineId}, copied from`),
    );

    // 6. Later approvals on feature-x change feature-x's baseline (no second copy).
    site.setVariant('original');
    const reverted = await run({ mode: 'compare', branch: 'feature-x' });
    expect(reverted.cells.home?.diffLevel).toBe('major');
    const again = await approve(reverted.cells.home?.id ?? '');
    expect(again).toMatchObject({ changed: true, baseline: { id: featureBaselineId } });
    expect((await branchBaselines('feature-x')).map((b) => b.id)).toEqual([featureBaselineId]);
    expect((await branchBaselines('main')).map((b) => b.id)).toEqual([mainBaselineId]);

    // 7. The copy shares main's images: deleting main's baseline and its run keeps them.
    expect((await api.request('DELETE', `/runs/${recorded.run.id}`)).status).toBe(204);
    expect((await api.request('DELETE', `/baselines/${mainBaselineId}`)).status).toBe(204);
    const afterDeletion = await run({ mode: 'compare', branch: 'feature-x' });
    expect(afterDeletion.run).toMatchObject({
      baselineId: featureBaselineId,
      summary: { diffLevel: 'none', none: 2, noBaseline: 0 },
    });
    const aboutImage = afterDeletion.cells.about?.artifacts.baseline;
    expect((await t.server.inject({ url: aboutImage ?? '' })).statusCode).toBe(200);
  });
});
