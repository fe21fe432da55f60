import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Execution, Run } from '../../src/runs/run.schema.ts';
import { decodeLayoutSnapshot } from '../../src/shared/layout-snapshot.ts';
import { changedBannerHeight, changePaths } from '../fixtures/site/change-pages.ts';
import { startCaptureHarness, type CaptureHarness } from '../support/capture-harness.ts';
import { createBatch, pollRun } from '../support/scene-client.ts';
import { dialects } from '../support/test-app.ts';
import { TestReceiver } from '../webhooks/support.ts';

/**
 * Issue 15 through real runs: every screenshot comes with its layout snapshot, kept with the
 * baseline entry; a compare of a page with an inserted banner explains the diff as one added
 * root cause with the rest moved, reports changedPercent near the banner's share beside
 * diffPercent, and grades by it when the batch ignores moves; an approval carries the
 * snapshot into the baseline, where deleting the run leaves it; an entry without a snapshot
 * still compares.
 */
describe.each(dialects)('change explanations through runs on %s', (dialect) => {
  let harness: CaptureHarness;
  beforeAll(async () => {
    harness = await startCaptureHarness(dialect);
  }, 120_000);
  afterAll(() => harness.close());

  async function run(
    batchId: string,
    mode: 'baseline' | 'compare',
  ): Promise<{ run: Run; execution: Execution }> {
    const { api } = harness;
    const done = await pollRun(api, (await api.launchRun(batchId, { mode })).id);
    const [execution] = await api.listExecutions(done.id);
    if (!execution) throw new Error('no execution');
    return { run: done, execution };
  }

  async function layoutEntryOf(executionId: string): Promise<string | null> {
    const entry = await harness.t.app.db
      .selectFrom('baseline_entries')
      .select('layout_artifact_id')
      .where('source_execution_id', '=', executionId)
      .where('superseded_at', 'is', null)
      .executeTakeFirstOrThrow();
    return entry.layout_artifact_id;
  }

  /** The run.finished webhook payloads recorded for a webhook. */
  async function runFinishedPayloads(webhookId: string) {
    const deliveries = await harness.t.app.db
      .selectFrom('webhook_deliveries')
      .select('payload')
      .where('webhook_id', '=', webhookId)
      .where('event_type', '=', 'run.finished')
      .execute();
    return deliveries.map(
      (d) =>
        JSON.parse(d.payload) as {
          data: { run: Run; changes?: { executionId: string; changeSummary: string }[] };
        },
    );
  }

  it('explains an inserted banner, grades by changedPercent when told, keeps snapshots with baselines', async () => {
    const { api, site, t } = harness;
    site.setVariant('original');
    const { projectId, batchId } = await createBatch(api, {
      pages: [{ name: 'banner', url: site.url + changePaths.banner }],
      executionDiffThreshold: 2,
    });

    const baseline = await run(batchId, 'baseline');
    expect(baseline.run.status).toBe('finished');
    const layoutUrl = baseline.execution.artifacts.layout ?? '';
    expect(layoutUrl).toMatch(/layout\.json\.gz$/);
    const served = await t.server.inject({ url: layoutUrl });
    expect(served.statusCode).toBe(200);
    expect(decodeLayoutSnapshot(served.rawPayload)?.elements.length).toBeGreaterThan(30);
    expect(await layoutEntryOf(baseline.execution.id)).not.toBeNull();

    const receiver = await TestReceiver.start();
    const webhook = await api.createWebhook(projectId, {
      url: receiver.url(),
      events: ['run.finished'],
    });
    site.setVariant('changed');
    const compare = await run(batchId, 'compare');
    const execution = await api.getExecution(compare.execution.id);
    const changes = execution.changes ?? [];
    expect(changes.filter((c) => c.rootCause)).toEqual([
      expect.objectContaining({ kind: 'added', selector: '#banner' }),
    ]);
    for (const change of changes.slice(1)) {
      expect(change.causedBy).toBe(0);
      expect(['moved', 'resized']).toContain(change.kind);
      if (change.kind === 'moved') expect(change.dy).toBe(changedBannerHeight);
    }
    expect(execution.changeSummary).toMatch(
      /^div#banner "Sale today": added \(1280×40\); \d+ elements below moved down 40px$/,
    );
    // The plain diff as before (the whole page below the banner differs); changedPercent is
    // about the banner's own share of the page.
    const diffPercent = execution.diffPercent ?? 0;
    const changedPercent = execution.changedPercent ?? 0;
    const pageHeight = Math.max(...changes.map((c) => (c.after ? c.after.y + c.after.height : 0)));
    const bannerShare = (changedBannerHeight * 100) / pageHeight;
    expect(diffPercent).toBeGreaterThan(2);
    expect(execution.diffLevel).toBe('major');
    expect(changedPercent).toBeGreaterThan(bannerShare * 0.8);
    expect(changedPercent).toBeLessThan(bannerShare * 1.2);
    expect(execution.artifacts.aligned).toBeDefined();
    // The list view carries the summary too, and so does the run.finished webhook.
    expect(compare.execution.changeSummary).toBe(execution.changeSummary);
    const payload = (await runFinishedPayloads(webhook.id)).find(
      (p) => p.data.run.id === compare.run.id,
    );
    expect(payload?.data.changes).toEqual([
      expect.objectContaining({
        executionId: execution.id,
        changeSummary: execution.changeSummary,
      }),
    ]);

    // ignoreMoves: graded by changedPercent (about 1 %, under the 2 % threshold). The run's
    // level follows its executions' levels wherever it is shown: detail, list, webhook (the
    // run threshold, 0.1 %, is below the raw diff and the changedPercent alike).
    await api.updateBatch(batchId, { ignoreMoves: true });
    const ignoring = await run(batchId, 'compare');
    expect(ignoring.execution).toMatchObject({ diffLevel: 'minor' });
    expect(ignoring.execution.diffPercent).toBeCloseTo(diffPercent, 5);
    expect(ignoring.run.summary).toMatchObject({ minor: 1, major: 0, diffLevel: 'minor' });
    const listed = await api.listRuns({ batchId });
    expect(listed.items.find((r) => r.id === ignoring.run.id)?.summary.diffLevel).toBe('minor');
    const ignoringPayload = (await runFinishedPayloads(webhook.id)).find(
      (p) => p.data.run.id === ignoring.run.id,
    );
    expect(ignoringPayload?.data.run.summary.diffLevel).toBe('minor');
    await api.updateWebhook(webhook.id, { active: false });
    await receiver.stop();

    // Approving carries the compare's snapshot into the baseline; deleting the run keeps it.
    await api.approveExecution(ignoring.execution.id);
    const approvedLayout = await layoutEntryOf(ignoring.execution.id);
    expect(approvedLayout).not.toBeNull();
    await api.deleteRun(ignoring.run.id);
    const kept = await t.app.db
      .selectFrom('artifacts')
      .select(['id'])
      .where('id', '=', approvedLayout ?? '')
      .executeTakeFirst();
    expect(kept).toBeDefined();

    // An entry recorded without a snapshot (before issue 15): compares, explains nothing.
    await t.app.db
      .updateTable('baseline_entries')
      .set({ layout_artifact_id: null })
      .where('superseded_at', 'is', null)
      .where('source_execution_id', '=', ignoring.execution.id)
      .execute();
    site.setVariant('original');
    const old = await run(batchId, 'compare');
    expect(old.run.status).toBe('finished');
    expect(old.execution.diffPercent).toBeGreaterThan(0);
    expect(old.execution.changes).toBeUndefined();
    expect(old.execution.changeSummary).toBeUndefined();
  });
});
