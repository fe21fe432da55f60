import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Execution } from '../../src/runs/run.schema.ts';
import { fixturePaths } from '../fixtures/site/fixture-site.ts';
import { startCaptureHarness, type CaptureHarness } from '../support/capture-harness.ts';
import { pollRun } from '../support/scene-client.ts';
import { dialects } from '../support/test-app.ts';

// Reference runs: each page captured at its URL and at its referenceUrl in the same run, the two
// diffed with the compare engine, levels and thresholds. No baseline needed. Real Chromium.

describe.each(dialects)('reference runs on %s', (dialect) => {
  let h: CaptureHarness;
  beforeAll(async () => {
    h = await startCaptureHarness(dialect);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('gives a differing reference its level and figures, an identical one none', async () => {
    const { api, site } = h;
    site.setVariant('original');
    const project = await api.createProject({ name: `reference-${dialect}` });
    const differing = await api.createPage(project.id, {
      name: 'differing',
      url: site.url + fixturePaths.home,
      referenceUrl: site.url + fixturePaths.about,
    });
    const identical = await api.createPage(project.id, {
      name: 'identical',
      url: site.url + fixturePaths.about,
      referenceUrl: `${site.url}${fixturePaths.about}?copy=1`,
    });
    const plain = await api.createPage(project.id, {
      name: 'plain',
      url: site.url + fixturePaths.about,
    });
    const batch = await api.createBatch(project.id, {
      name: 'staging vs production',
      browsers: ['chromium'],
      viewports: ['desktop'],
      pageIds: [differing.id, identical.id, plain.id],
    });
    const launched = await api.launchRun(batch.id, { mode: 'reference' });
    expect(launched).toMatchObject({ mode: 'reference' });
    expect(launched.baselineId).toBeUndefined();
    const run = await pollRun(api, launched.id);
    expect(run.status).toBe('finished');
    const cells = Object.fromEntries(
      (await api.listExecutions(run.id)).map((e) => [e.pageName, e]),
    ) as Record<string, Execution>;
    expect(cells['differing']).toMatchObject({ status: 'finished', diffLevel: 'major' });
    expect(cells['differing']?.diffPercent).toBeGreaterThan(0);
    expect(cells['differing']?.diffPixels).toBeGreaterThan(0);
    expect(cells['differing']?.changedRegions?.length).toBeGreaterThan(0);
    expect(cells['differing']?.artifacts).toMatchObject({
      screenshot: expect.any(String) as unknown,
      reference: expect.any(String) as unknown,
      diff: expect.any(String) as unknown,
      heatmap: expect.any(String) as unknown,
    });
    expect(cells['identical']).toMatchObject({
      status: 'finished',
      diffLevel: 'none',
      diffPixels: 0,
      diffPercent: 0,
    });
    expect(cells['plain']).toMatchObject({ status: 'finished', noReference: true });
    expect(cells['plain']?.diffLevel).toBeUndefined();
    expect(run.summary).toMatchObject({ major: 1, none: 1 });

    // Bad input changes nothing: a baselineId, or a batch without any referenceUrl.
    const withBaseline = await api.request('POST', `/batches/${batch.id}/runs`, {
      mode: 'reference',
      baselineId: 'abc',
    });
    expect(withBaseline.status).toBe(422);
    const plainBatch = await api.createBatch(project.id, {
      name: 'no references',
      browsers: ['chromium'],
      viewports: ['desktop'],
      pageIds: [plain.id],
    });
    const refused = await api.request('POST', `/batches/${plainBatch.id}/runs`, {
      mode: 'reference',
    });
    expect(refused.status).toBe(422);
    expect((await api.listRuns({ batchId: plainBatch.id })).items).toEqual([]);
  }, 120_000);
});
