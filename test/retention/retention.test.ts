import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRetention } from '../../src/retention/retention.service.ts';
import type { Execution, Run } from '../../src/runs/run.schema.ts';
import { fixturePaths, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import { createBatch, pollRun, type SceneClient } from '../support/scene-client.ts';
import { filesBelow, totalBytes as total } from '../support/files-below.ts';
import { startCaptureHarness, type CaptureHarness } from '../support/capture-harness.ts';
import { dialects, type TestApp } from '../support/test-app.ts';

interface RetentionReport {
  dryRun: boolean;
  runs: { id: string; status: string; reasons: string[] }[];
  deletedRuns: number;
  bytesFreed: number;
}

describe.each(dialects)('retention on %s', (dialect) => {
  let t: TestApp;
  let site: FixtureSite;
  let api: SceneClient;

  let harness: CaptureHarness;
  beforeAll(async () => {
    harness = await startCaptureHarness(dialect);
    ({ site, t, api } = harness);
  });
  afterAll(() => harness.close());

  const artifactsDir = () => path.join(t.dataDir, 'artifacts');

  async function finishedRun(batchId: string, mode: 'baseline' | 'compare') {
    const run = await pollRun(api, (await api.launchRun(batchId, { mode })).id);
    expect(run.status).toBe('finished');
    return { run, executions: await api.listExecutions(run.id) };
  }

  async function served(url: string | undefined): Promise<boolean> {
    return (await t.server.inject({ url: url ?? 'missing' })).statusCode === 200;
  }

  const retention = (projectId: string, dryRun: boolean) =>
    api.ok<RetentionReport>('POST', `/projects/${projectId}/retention/run?dryRun=${dryRun}`);

  async function twoPageBatch() {
    site.setVariant('original');
    return createBatch(api, {
      pages: [
        { name: 'home', url: site.url + fixturePaths.home },
        { name: 'about', url: site.url + fixturePaths.about },
      ],
    });
  }

  const runDir = (projectId: string, run: Run) =>
    path.join(artifactsDir(), projectId, 'runs', run.id);
  const urlsOf = (executions: Execution[]) =>
    executions.flatMap((e) => Object.values(e.artifacts)).filter((u) => u !== undefined);

  it('keeps the last N runs of a batch: a dry run lists the others and changes nothing, the run removes their files but no baseline image', async () => {
    const { projectId, batchId } = await twoPageBatch();
    const baseline = await finishedRun(batchId, 'baseline');
    const unchanged = await finishedRun(batchId, 'compare');
    site.setVariant('changed');
    const changed = await finishedRun(batchId, 'compare');
    site.setVariant('original');
    const latest = await finishedRun(batchId, 'compare');

    // Off by default: nothing would go.
    expect(await retention(projectId, true)).toMatchObject({ runs: [], deletedRuns: 0 });

    await api.ok('PATCH', `/projects/${projectId}/settings`, {
      retention: { keepLastRunsPerBatch: 1 },
    });
    const filesBefore = filesBelow(artifactsDir());
    const auditBefore = await api.ok<{ items: unknown[] }>('GET', `/audit?projectId=${projectId}`);

    const dry = await retention(projectId, true);
    expect(dry).toMatchObject({ dryRun: true, deletedRuns: 0, bytesFreed: 0 });
    expect(dry.runs.map((r) => r.id)).toEqual([baseline.run.id, unchanged.run.id, changed.run.id]);
    expect(dry.runs.every((r) => r.reasons.join() === 'count')).toBe(true);
    // The dry run changed nothing: files, runs, audit log.
    expect(filesBelow(artifactsDir())).toEqual(filesBefore);
    for (const r of [baseline, unchanged, changed])
      expect((await api.getRun(r.run.id)).id).toBe(r.run.id);
    expect(await api.ok<{ items: unknown[] }>('GET', `/audit?projectId=${projectId}`)).toEqual(
      auditBefore,
    );

    const applied = await retention(projectId, false);
    expect(applied).toMatchObject({ dryRun: false, deletedRuns: 3 });
    for (const r of [baseline, unchanged, changed]) {
      expect((await api.request('GET', `/runs/${r.run.id}`)).status).toBe(404);
      expect(filesBelow(runDir(projectId, r.run))).toEqual(new Map());
    }
    expect((await api.getRun(latest.run.id)).status).toBe('finished');
    // What went is what it says it freed: the changed page's image, its diff and heatmap, and
    // the runs' logs.
    const filesAfter = filesBelow(artifactsDir());
    expect(applied.bytesFreed).toBe(total(filesBefore) - total(filesAfter));
    const changedHome = changed.executions.find((e) => e.pageName === 'home')?.artifacts ?? {};
    for (const url of [changedHome.screenshot, changedHome.diff, changedHome.heatmap]) {
      expect(await served(url)).toBe(false);
    }
    // Every baseline image stays: served through the latest run, compared against again.
    const baselineImages = latest.executions.map((e) => e.artifacts.baseline);
    expect(baselineImages).toHaveLength(2);
    for (const url of [...baselineImages, ...urlsOf(latest.executions)]) {
      expect(await served(url), url).toBe(true);
    }
    const again = await finishedRun(batchId, 'compare');
    expect(again.run.summary).toMatchObject({ none: 2, diffLevel: 'none' });
  });

  it('keeps runs for N days (periodic duty): old ended runs go, audited as system; runs in flight are never touched', async () => {
    const { projectId, batchId } = await twoPageBatch();
    const baseline = await finishedRun(batchId, 'baseline');
    const old = await finishedRun(batchId, 'compare');
    const inFlight = await finishedRun(batchId, 'compare');
    const recent = await finishedRun(batchId, 'compare');
    await api.ok('PATCH', `/projects/${projectId}/settings`, { retention: { keepDays: 2 } });
    const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 3600 * 1000).toISOString();
    for (const [run, days] of [
      [baseline, 12],
      [old, 11],
      [inFlight, 10],
    ] as const) {
      await t.app.db
        .updateTable('runs')
        .set({ created_at: daysAgo(days) })
        .where('id', '=', run.run.id)
        .execute();
    }
    // As if it were still running (its executions are not: nothing else will touch it).
    await t.app.db
      .updateTable('runs')
      .set({ status: 'running' })
      .where('id', '=', inFlight.run.id)
      .execute();

    const dry = await retention(projectId, true);
    expect(dry.runs.map((r) => r.id)).toEqual([baseline.run.id, old.run.id]);
    expect(dry.runs[0]?.reasons).toEqual(['age']);

    const pass = await applyRetention(t.app);
    expect(pass.deletedRuns).toBeGreaterThanOrEqual(2);
    expect(pass.bytesFreed).toBeGreaterThan(0);
    for (const r of [baseline, old]) {
      expect((await api.request('GET', `/runs/${r.run.id}`)).status).toBe(404);
    }
    expect((await api.getRun(inFlight.run.id)).status).toBe('running');
    for (const url of urlsOf(inFlight.executions)) expect(await served(url), url).toBe(true);
    expect((await api.getRun(recent.run.id)).status).toBe('finished');
    // The baseline outlives the run that recorded it, with all its images.
    const [kept] = await api.listBaselines({ batchId: batchId });
    expect(kept).toMatchObject({ id: baseline.run.baselineId, entries: 2 });
    expect(kept?.sourceRunId ?? null).toBeNull();
    for (const url of recent.executions.map((e) => e.artifacts.baseline)) {
      expect(await served(url), url).toBe(true);
    }
    const audit = await api.ok<{ items: { actor: string; action: string; entityId: string }[] }>(
      'GET',
      `/audit?projectId=${projectId}&entityType=run`,
    );
    const deletions = audit.items.filter((e) => e.action === 'delete');
    expect(deletions.map((e) => e.entityId).sort()).toEqual([baseline.run.id, old.run.id].sort());
    expect(deletions.every((e) => e.actor === 'system')).toBe(true);

    // A second pass (another process, or the next hour) finds nothing more to do here.
    const second = await retention(projectId, true);
    expect(second.runs).toEqual([]);
  });
});
