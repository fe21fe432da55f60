import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Of } from '../../src/artifacts/artifact-files.ts';
import { fixturePaths } from '../fixtures/site/fixture-site.ts';
import { startCaptureHarness, type CaptureHarness } from '../support/capture-harness.ts';
import { apiChecks, createBatch, pollRun } from '../support/scene-client.ts';
import { dialects } from '../support/test-app.ts';

// A cell's baseline history and revert, through real runs (Chromium capturing the fixture
// site) on both databases.

describe.each(dialects)('baseline history on %s', (dialect) => {
  let h: CaptureHarness;
  beforeAll(async () => {
    h = await startCaptureHarness(dialect);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('shows three generations after two approvals; revert restores the first and the next compare sees the change again', async () => {
    const { api, site } = h;
    const checks = apiChecks(api);
    const imageSha = async (url: string) => {
      const response = await h.t.server.inject({ url });
      expect(response.statusCode).toBe(200);
      return sha256Of(response.rawPayload);
    };
    site.setVariant('original');
    const { batchId, pageIds } = await createBatch(api, {
      pages: [{ name: 'home', url: site.url + fixturePaths.home }],
    });
    const pageId = pageIds[0] ?? '';
    const recorded = await pollRun(api, (await api.launchRun(batchId, { mode: 'baseline' })).id);
    const baselineId = recorded.baselineId ?? '';
    const [first] = await api.listExecutions(recorded.id);
    const matrixKey = first?.matrixKey ?? '';

    // Generation 2: the changed home page, approved.
    site.setVariant('changed');
    const second = await pollRun(api, (await api.launchRun(batchId, { mode: 'compare' })).id);
    const [secondExecution] = await api.listExecutions(second.id);
    expect(secondExecution?.diffLevel).toBe('major');
    await api.approveExecution(secondExecution?.id ?? '');
    // Generation 3: the page now shows another page's content, approved.
    await api.ok('PATCH', `/pages/${pageId}`, { url: site.url + fixturePaths.about });
    const third = await pollRun(api, (await api.launchRun(batchId, { mode: 'compare' })).id);
    const [thirdExecution] = await api.listExecutions(third.id);
    expect(thirdExecution?.diffLevel).toBe('major');
    await api.approveRun(third.id);

    const history = await api.baselineHistory(baselineId, matrixKey);
    expect(history).toHaveLength(3);
    expect(history.map((e) => e.current)).toEqual([true, false, false]);
    expect(history[0]).toMatchObject({
      approvedBy: 'api',
      sourceRunId: third.id,
      executionId: thirdExecution?.id,
    });
    expect(history[1]).toMatchObject({
      approvedBy: 'api',
      sourceRunId: second.id,
      executionId: secondExecution?.id,
    });
    expect(history[2]).toMatchObject({ sourceRunId: recorded.id, executionId: first?.id });
    expect(history[2]?.approvedBy).toBeUndefined();
    expect(history.map((e) => e.createdAt)).toEqual(
      [...history.map((e) => e.createdAt)].sort().reverse(),
    );
    expect(await imageSha(history[2]?.image ?? '')).toBe(
      await imageSha(first?.artifacts.screenshot ?? ''),
    );

    // Revert to the first image.
    const auditBefore = (await checks.audit('entityType=baseline')).length;
    const reverted = await api.revertBaselineEntry(history[2]?.id ?? '');
    expect(reverted).toMatchObject({ changed: true, entry: { current: true } });
    expect((await checks.audit('entityType=baseline')).length).toBe(auditBefore + 1);
    const after = await api.baselineHistory(baselineId, matrixKey);
    expect(after).toHaveLength(4);
    expect(after[0]).toMatchObject({ current: true, executionId: first?.id });
    expect(await imageSha(after[0]?.image ?? '')).toBe(await imageSha(history[2]?.image ?? ''));
    // Reverting to the current image changes nothing.
    await expect(api.revertBaselineEntry(after[0]?.id ?? '')).resolves.toMatchObject({
      changed: false,
    });

    // The next compare of the changed home page sees the change again.
    await api.ok('PATCH', `/pages/${pageId}`, { url: site.url + fixturePaths.home });
    const fourth = await pollRun(api, (await api.launchRun(batchId, { mode: 'compare' })).id);
    const [fourthExecution] = await api.listExecutions(fourth.id);
    expect(fourthExecution?.diffLevel).toBe('major');
    site.setVariant('original');
    const fifth = await pollRun(api, (await api.launchRun(batchId, { mode: 'compare' })).id);
    expect((await api.listExecutions(fifth.id))[0]?.diffLevel).toBe('none');

    // Bad references.
    const unknownCell = await api.request(
      'GET',
      `/baselines/${baselineId}/history?matrixKey=nosuch`,
    );
    expect(unknownCell.status).toBe(404);
    const noKey = await api.request('GET', `/baselines/${baselineId}/history`);
    expect(noKey.status).toBe(400);
    const unknownEntry = await api.request('POST', '/baseline-entries/nosuchentry/revert');
    expect(unknownEntry.status).toBe(404);
  }, 240_000);
});
