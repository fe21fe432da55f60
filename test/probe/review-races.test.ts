import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePaths } from '../fixtures/site/fixture-site.ts';
import { startCaptureHarness, type CaptureHarness } from '../support/capture-harness.ts';
import { strayArtifactFiles } from '../support/stray-files.ts';
import { dialects } from '../support/test-app.ts';
import { createBatch, pollRun } from '../support/scene-client.ts';

// Reviews racing each other and the run's deletion, on real compare runs: approve and reject of
// one execution fired together, two launches of the same batch at once, approvals (single and
// bulk) while the run is deleted. Every answer is a 2xx or a clear 4xx; the baselines stay
// readable and no artifact file is left without its row.

describe.each(dialects)('review races on live runs (%s)', (dialect) => {
  let h: CaptureHarness;
  beforeAll(async () => {
    h = await startCaptureHarness(dialect, { lease: { leaseMs: 3_600_000 } });
  });
  afterAll(() => h.close());

  it('approve and reject at once, and approve while the run is deleted: one consistent end', async () => {
    const { api, site } = h;
    const { batchId } = await createBatch(api, {
      pages: [fixturePaths.home, fixturePaths.products].map((p) => ({
        name: p,
        url: site.url + p,
      })),
    });
    const baseline = await api.launchRun(batchId, { mode: 'baseline' });
    expect((await pollRun(api, baseline.id)).status).toBe('finished');
    site.setVariant('changed');
    try {
      // Two launches of the same batch at once: both run, both end.
      const launched = await Promise.all([
        api.request('POST', `/batches/${batchId}/runs`, { mode: 'compare' }),
        api.request('POST', `/batches/${batchId}/runs`, { mode: 'compare' }),
      ]);
      expect(launched.map((r) => r.status)).toEqual([201, 201]);
      const [a, b] = launched.map((r) => (r.body as { id: string }).id) as [string, string];
      await pollRun(api, a);
      await pollRun(api, b);
      const executions = await api.listExecutions(a);
      for (const execution of executions) {
        const answers = await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            api.request('POST', `/executions/${execution.id}/${i % 2 ? 'reject' : 'approve'}`),
          ),
        );
        expect(answers.map((r) => r.status).every((s) => s === 200)).toBe(true);
        const after = await api.request<{ review?: { status: string } }>(
          'GET',
          `/executions/${execution.id}`,
        );
        expect(['approved', 'rejected']).toContain(after.body.review?.status);
      }
      const executionsB = await api.listExecutions(b);
      const answers = await Promise.all([
        ...executionsB.map((e) => api.request('POST', `/executions/${e.id}/approve`)),
        api.request('DELETE', `/runs/${b}`),
        api.request('POST', `/runs/${b}/approve`, {}),
      ]);
      expect(
        answers.every((r) => r.status < 500),
        answers.map((r) => `${r.status} ${r.text}`).join('\n'),
      ).toBe(true);
      expect((await api.request('GET', `/runs/${b}`)).status).toBe(404);
      const baselines = await api.listAll<{ id: string }>(`/baselines?batchId=${batchId}`);
      for (const { id } of baselines) {
        expect((await api.request('GET', `/baselines/${id}`)).status).toBe(200);
      }
    } finally {
      site.setVariant('original');
    }
    expect(await strayArtifactFiles(h.t)).toEqual([]);
  });
});
