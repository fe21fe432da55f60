import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngSize } from '../../src/capture/screenshot.ts';
import type { Execution, Run } from '../../src/runs/run.schema.ts';
import { fixturePaths } from '../fixtures/site/fixture-site.ts';
import { startCaptureHarness, type CaptureHarness } from '../support/capture-harness.ts';
import { createBatch, pollRun } from '../support/scene-client.ts';
import { dialects } from '../support/test-app.ts';

/**
 * Issue 18 through real runs: a DPR 2 viewport's screenshots are twice the CSS size and
 * compared as such; every execution records its environment and baseline entries keep it; a
 * compare against a baseline entry rendered elsewhere (here: another browser version) reports
 * environmentDrift naming the field, the run summary says so, and onEnvironmentDrift decides.
 */
describe.each(dialects)('environment fingerprints and drift on %s', (dialect) => {
  let harness: CaptureHarness;
  beforeAll(async () => {
    harness = await startCaptureHarness(dialect);
  });
  afterAll(() => harness.close());

  async function run(
    batchId: string,
    mode: 'baseline' | 'compare',
  ): Promise<{ run: Run; executions: Execution[] }> {
    const { api } = harness;
    const done = await pollRun(api, (await api.launchRun(batchId, { mode })).id);
    return { run: done, executions: await api.listExecutions(done.id) };
  }

  it('records the fingerprint, reports drift from the baseline entry, and fails on it when told', async () => {
    const { api, site, t } = harness;
    const settings = await api.getSettings();
    await api.updateSettings({
      viewports: [
        ...settings.viewports.filter((v) => v.name !== 'retina'),
        { name: 'retina', width: 400, height: 300, deviceScaleFactor: 2 },
      ],
    });
    const { batchId } = await createBatch(api, {
      pages: [{ name: 'device', url: site.url + fixturePaths.device }],
      viewports: ['retina'],
    });

    const baseline = await run(batchId, 'baseline');
    expect(baseline.run.status).toBe('finished');
    const recorded = baseline.executions[0];
    expect(recorded?.viewport).toMatchObject({ name: 'retina', width: 400, deviceScaleFactor: 2 });
    expect(recorded?.environment).toMatchObject({
      browser: 'chromium',
      deviceScaleFactor: 2,
      fontsDigest: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
    });
    const browserVersion = recorded?.environment?.browserVersion ?? '';
    expect(browserVersion).toMatch(/^\d+\./);
    // Twice the CSS size (the page is 300 CSS px tall).
    const shot = await t.server.inject({ url: recorded?.artifacts.screenshot ?? '' });
    expect(shot.statusCode).toBe(200);
    expect(pngSize(shot.rawPayload)).toEqual({ width: 800, height: 600 });

    // Same machine: no drift, no notice.
    const same = await run(batchId, 'compare');
    expect(same.run.status).toBe('finished');
    expect(same.executions[0]).toMatchObject({ diffLevel: 'none' });
    expect(same.executions[0]?.environmentDrift).toBeUndefined();
    expect(same.run.summary.environmentNotice).toBeUndefined();

    // The baseline entry as if recorded by another browser version.
    const entry = await t.app.db
      .selectFrom('baseline_entries')
      .select(['id', 'environment'])
      .where('source_execution_id', '=', recorded?.id ?? '')
      .executeTakeFirstOrThrow();
    const fingerprint = JSON.parse(entry.environment ?? 'null') as { browserVersion: string };
    expect(fingerprint.browserVersion).toBe(browserVersion);
    await t.app.db
      .updateTable('baseline_entries')
      .set({ environment: JSON.stringify({ ...fingerprint, browserVersion: '120.0.6099.0' }) })
      .where('id', '=', entry.id)
      .execute();

    const drifted = await run(batchId, 'compare');
    expect(drifted.run.status).toBe('finished');
    expect(drifted.executions[0]).toMatchObject({ status: 'finished', diffLevel: 'none' });
    expect(drifted.executions[0]?.environmentDrift).toEqual([
      { field: 'browserVersion', baseline: '120.0.6099.0', observed: browserVersion },
    ]);
    expect(drifted.run.summary).toMatchObject({ environmentDrift: 1 });
    expect(drifted.run.summary.environmentNotice).toMatch(
      /^1 cell compared against baselines from chromium 120\.0\.6099\.0 .*expect rendering differences$/,
    );
    const log = await api.request('GET', `/runs/${drifted.run.id}/log`);
    expect(log.text).toMatch(/rendered elsewhere than the baseline image \(browserVersion/);

    // The viewer and the run page say so too.
    const viewer = await t.server.inject({ url: `/executions/${drifted.executions[0]?.id}` });
    expect(viewer.body).toMatch(/Environment drift/);
    expect(viewer.body).toMatch(
      /Rendered elsewhere than the baseline image \(browserVersion 120\.0\.6099\.0/,
    );
    const runPage = await t.server.inject({ url: `/runs/${drifted.run.id}` });
    expect(runPage.body).toMatch(
      /Environment: 1 cell compared against baselines from chromium 120/,
    );

    await api.updateBatch(batchId, { onEnvironmentDrift: 'fail' });
    const failed = await run(batchId, 'compare');
    expect(failed.run.status).toBe('failed');
    expect(failed.executions[0]?.status).toBe('failed');
    expect(failed.executions[0]?.error).toMatch(
      /rendering environment differs from the baseline image's \(browserVersion 120\.0\.6099\.0 → .*onEnvironmentDrift is fail/,
    );
    expect(failed.executions[0]?.environmentDrift?.[0]?.field).toBe('browserVersion');

    await api.updateBatch(batchId, { onEnvironmentDrift: 'ignore' });
    const ignored = await run(batchId, 'compare');
    expect(ignored.run.status).toBe('finished');
    expect(ignored.executions[0]?.environmentDrift).toBeUndefined();
    expect(ignored.run.summary.environmentNotice).toBeUndefined();

    // A bad option is refused and changes nothing.
    const refused = await api.request('PATCH', `/batches/${batchId}`, {
      onEnvironmentDrift: 'sometimes',
    });
    expect(refused.status).toBe(400);
    expect((await api.request('GET', `/batches/${batchId}`)).body).toMatchObject({
      onEnvironmentDrift: 'ignore',
    });
  });
});
