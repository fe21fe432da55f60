import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePaths, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import { startCaptureHarness, type CaptureHarness } from '../support/capture-harness.ts';
import { strayArtifactFiles } from '../support/stray-files.ts';
import { dialects, type TestApp } from '../support/test-app.ts';
import { createBatch, pollExecutions, pollRun, type SceneClient } from '../support/scene-client.ts';

const isTerminal = (status: string) =>
  status === 'finished' || status === 'failed' || status === 'cancelled';

// Cancels, retries and deletions of a run or its project, fired together while real captures
// are in flight. Every answer is a 2xx or a clear 4xx, nothing stays queued or running, and no
// artifact file is left without its row. The lease is far longer than the test: no takeover
// may rescue a stuck execution.

describe.each(dialects)('races on live runs (%s)', (dialect) => {
  let h: CaptureHarness;
  let api: SceneClient;
  let t: TestApp;
  let site: FixtureSite;

  beforeAll(async () => {
    h = await startCaptureHarness(dialect, { lease: { leaseMs: 3_600_000 } });
    ({ api, t, site } = h);
    await api.ok('PATCH', '/settings', { maxConcurrentExecutions: 4 });
  });
  afterAll(() => h.close());

  const pages = () =>
    [fixturePaths.home, fixturePaths.about, fixturePaths.products, fixturePaths.slow].map(
      (p, i) => ({ name: `page ${i}`, url: site.url + p }),
    );

  const strayFiles = () => strayArtifactFiles(t);

  it('cancel, cancel and delete of a running run: gone, nothing left running, no stray files', async () => {
    const { batchId } = await createBatch(api, { pages: pages() });
    for (let round = 0; round < 2; round++) {
      const run = await api.launchRun(batchId, { mode: 'baseline' });
      await pollExecutions(api, run.id, (items) => items.some((e) => e.status === 'running'));
      const statuses = (
        await Promise.all([
          api.request('POST', `/runs/${run.id}/cancel`),
          api.request('DELETE', `/runs/${run.id}`),
          api.request('POST', `/runs/${run.id}/cancel`),
          api.request('POST', `/runs/${run.id}/retry`),
        ])
      ).map((r) => r.status);
      expect(
        statuses.every((s) => s < 500),
        statuses.join(','),
      ).toBe(true);
    }
    // A last run, to its end: the engine has moved on past the aborted captures.
    const last = await api.launchRun(batchId, { mode: 'baseline' });
    expect((await pollRun(api, last.id)).status).toBe('finished');
    const runs = await api.listAll<{ id: string; status: string }>(`/runs?batchId=${batchId}`);
    expect(runs.filter((r) => !isTerminal(r.status))).toEqual([]);
    expect(await strayFiles()).toEqual([]);
  });

  // On Postgres the deletion locked the batch, then waited on a run that a cancel (or the
  // engine) held, while that transition waited on the batch: "deadlock detected", a 500.
  it('deleting the project of a running run, while it is cancelled: 204, no stray files', async () => {
    for (let round = 0; round < 4; round++) {
      const { projectId, batchId } = await createBatch(api, { pages: pages() });
      const run = await api.launchRun(batchId, { mode: 'baseline' });
      await pollExecutions(api, run.id, (items) => items.some((e) => e.status === 'running'));
      const answers = await Promise.all([
        api.request('DELETE', `/projects/${projectId}`),
        api.request('POST', `/runs/${run.id}/cancel`),
        ...(round % 2
          ? [api.request('POST', `/batches/${batchId}/runs`, { mode: 'baseline' })]
          : []),
      ]);
      expect(answers[0]?.status, answers[0]?.text).toBe(204);
      for (const answer of answers) expect(answer.status, answer.text).toBeLessThan(500);
      expect((await api.request('GET', `/runs/${run.id}`)).status).toBe(404);
    }
    const other = await createBatch(api, { pages: pages().slice(0, 2) });
    const last = await api.launchRun(other.batchId, { mode: 'baseline' });
    expect((await pollRun(api, last.id)).status).toBe('finished');
    const runs = await api.listAll<{ id: string; status: string }>('/runs');
    expect(runs.filter((r) => !isTerminal(r.status))).toEqual([]);
    expect(await strayFiles()).toEqual([]);
  });
});
