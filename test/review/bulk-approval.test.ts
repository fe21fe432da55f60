import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Execution } from '../../src/runs/run.schema.ts';
import { fixturePaths } from '../fixtures/site/fixture-site.ts';
import { startCaptureHarness, type CaptureHarness } from '../support/capture-harness.ts';
import { apiChecks, createBatch, pollRun } from '../support/scene-client.ts';
import { dialects } from '../support/test-app.ts';

// Bulk approval, its undo, and review status, through the real engine (Chromium capturing the
// fixture site) on both databases.

function byPage(executions: Execution[]): Record<string, Execution> {
  return Object.fromEntries(executions.map((e) => [e.pageName, e]));
}

describe.each(dialects)('review of a run on %s', (dialect) => {
  let h: CaptureHarness;
  beforeAll(async () => {
    h = await startCaptureHarness(dialect);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('bulk-approves by level, undoes, approves every change, rejects; one audit entry and one event per cell', async () => {
    const { api, site } = h;
    const checks = apiChecks(api);
    site.setVariant('original');
    const { batchId, projectId } = await createBatch(api, {
      pages: [
        { name: 'home', url: site.url + fixturePaths.home },
        { name: 'about', url: site.url + fixturePaths.about },
      ],
    });
    await pollRun(api, (await api.launchRun(batchId, { mode: 'baseline' })).id);
    // A page added after the baseline: a new cell.
    const menu = await api.ok<{ id: string }>('POST', `/projects/${projectId}/pages`, {
      name: 'menu',
      url: site.url + fixturePaths.menu,
    });
    const batch = await api.ok<{ pageIds: string[] }>('GET', `/batches/${batchId}`);
    await api.ok('PATCH', `/batches/${batchId}`, { pageIds: [...batch.pageIds, menu.id] });

    site.setVariant('changed');
    const compare = await pollRun(api, (await api.launchRun(batchId, { mode: 'compare' })).id);
    let e = byPage(await api.listExecutions(compare.id));
    expect(e['home']).toMatchObject({ diffLevel: 'major', review: { status: 'unreviewed' } });
    expect(e['about']).toMatchObject({ diffLevel: 'none', approved: false });
    expect(e['menu']).toMatchObject({ noBaseline: true });

    // The bus may deliver after the response (Redis): wait for the count, never sleep.
    const events: string[] = [];
    let arrived = () => {};
    const unsubscribe = h.t.app.events.subscribe((event) => {
      if (event.type !== 'baseline.updated') return;
      events.push(event.matrixKey ?? '');
      arrived();
    });
    const eventCount = (n: number) =>
      new Promise<number>((resolve) => {
        arrived = () => {
          if (events.length >= n) resolve(events.length);
        };
        arrived();
      });
    try {
      const auditBefore = (await checks.audit('entityType=baseline')).length;
      // Only the major ones.
      await expect(api.approveRun(compare.id, { levels: ['major'] })).resolves.toMatchObject({
        approved: 1,
      });
      e = byPage(await api.listExecutions(compare.id));
      expect(e['home']).toMatchObject({
        approved: true,
        review: { status: 'approved', by: 'api' },
      });
      expect(e['home']?.review.at).toBeDefined();
      expect(e['menu']).toMatchObject({ approved: false, review: { status: 'unreviewed' } });
      expect((await checks.audit('entityType=baseline')).length).toBe(auditBefore + 1);
      await eventCount(1);
      expect(events).toEqual([e['home']?.matrixKey]);

      // Undo: home's cell has its old image back, its review is unreviewed again.
      await expect(api.undoRunApproval(compare.id)).resolves.toEqual({ undone: 1, skipped: 0 });
      e = byPage(await api.listExecutions(compare.id));
      expect(e['home']).toMatchObject({ approved: false, review: { status: 'unreviewed' } });
      await expect(eventCount(2)).resolves.toBe(2);
      const again = await api.request('POST', `/runs/${compare.id}/approve/undo`);
      expect(again.status).toBe(409);

      // Bad input changes nothing.
      for (const body of [
        { executionIds: ['nosuchexecution'] },
        { levels: ['huge'] },
        { executionIds: [] },
        { other: 1 },
      ]) {
        const refused = await api.request('POST', `/runs/${compare.id}/approve`, body);
        expect([400, 422], JSON.stringify(body)).toContain(refused.status);
      }
      expect(byPage(await api.listExecutions(compare.id))['home']?.approved).toBe(false);

      // Every change: home (major) and menu (new), not the unchanged about.
      await expect(api.approveRun(compare.id)).resolves.toMatchObject({ approved: 2 });
      e = byPage(await api.listExecutions(compare.id));
      expect(e['home']?.approved).toBe(true);
      expect(e['menu']?.approved).toBe(true);
      expect(e['about']).toMatchObject({ approved: false, review: { status: 'unreviewed' } });
      await expect(eventCount(4)).resolves.toBe(4);
    } finally {
      unsubscribe();
    }

    // Reject: a review status only; the baseline is left alone.
    const rejected = await api.rejectExecution(e['about']?.id ?? '');
    expect(rejected.review).toMatchObject({ status: 'rejected', by: 'api' });
    expect(rejected.approved).toBe(false);
    const baselineRun = await api.request('POST', `/executions/nosuch/reject`);
    expect(baselineRun.status).toBe(404);

    // The next compare sees the approved images: nothing changed.
    const next = await pollRun(api, (await api.launchRun(batchId, { mode: 'compare' })).id);
    expect(next.summary).toMatchObject({ major: 0, minor: 0, noBaseline: 0 });
  }, 180_000);
});
