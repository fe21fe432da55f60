import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactUrlPrefix } from '../../src/artifacts/artifact-files.ts';
import type { Execution } from '../../src/runs/run.schema.ts';
import { deleteRun } from '../../src/runs/runs.service.ts';
import { fixturePaths, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import { createBatch, pollRun, type SceneClient } from '../support/scene-client.ts';
import { filesBelow, totalBytes as total } from '../support/files-below.ts';
import { startCaptureHarness, type CaptureHarness } from '../support/capture-harness.ts';
import { dialects, type TestApp } from '../support/test-app.ts';

describe.each(dialects)('content-addressed screenshots on %s', (dialect) => {
  let t: TestApp;
  let site: FixtureSite;
  let api: SceneClient;

  let harness: CaptureHarness;
  beforeAll(async () => {
    harness = await startCaptureHarness(dialect);
    ({ site, t, api } = harness);
  });
  afterAll(() => harness.close());

  const blobsDir = () => path.join(t.dataDir, 'artifacts', 'blobs');
  const pngsIn = (dir: string) =>
    new Map([...filesBelow(dir)].filter(([file]) => file.endsWith('.png')));
  const keyOf = (url: string | undefined) => (url ?? '').slice(artifactUrlPrefix.length);

  async function finishedRun(batchId: string, mode: 'baseline' | 'compare') {
    const run = await pollRun(api, (await api.launchRun(batchId, { mode })).id);
    expect(run.status).toBe('finished');
    return { run, executions: await api.listExecutions(run.id) };
  }

  async function bytesOf(url: string | undefined): Promise<Buffer> {
    const response = await t.server.inject({ url: url ?? 'missing' });
    expect(response.statusCode, url).toBe(200);
    return response.rawPayload;
  }

  const screenshots = (executions: Execution[]) => executions.map((e) => e.artifacts.screenshot);
  /** The project of the first test, whose images are the same bytes as the second's. */
  let firstProject: { id: string; screenshots: (string | undefined)[] } | undefined;

  it('a compare run of an unchanged site stores no new screenshot bytes; its URLs are its own', async () => {
    site.setVariant('original');
    const { projectId, batchId } = await createBatch(api, {
      pages: [
        { name: 'home', url: site.url + fixturePaths.home },
        { name: 'about', url: site.url + fixturePaths.about },
      ],
    });
    const baseline = await finishedRun(batchId, 'baseline');
    const afterBaseline = pngsIn(path.join(t.dataDir, 'artifacts'));
    expect(afterBaseline.size).toBe(2);
    expect([...afterBaseline.keys()].every((f) => f.startsWith(blobsDir()))).toBe(true);
    expect(baseline.run.bytesStored).toBeGreaterThanOrEqual(total(afterBaseline));

    const compare = await finishedRun(batchId, 'compare');
    firstProject = { id: projectId, screenshots: screenshots(compare.executions) };
    expect(compare.run.summary).toMatchObject({ none: 2, diffLevel: 'none' });
    // Not one image byte more anywhere in the store...
    expect(pngsIn(path.join(t.dataDir, 'artifacts'))).toEqual(afterBaseline);
    // ...and what the run reports it stored is exactly its own files (capture logs).
    const runDir = path.join(t.dataDir, 'artifacts', projectId, 'runs', compare.run.id);
    const ownFiles = filesBelow(runDir);
    expect([...ownFiles.keys()].some((f) => f.endsWith('.png'))).toBe(false);
    expect(compare.run.bytesStored).toBe(total(ownFiles));

    // Each artifact keeps its own stable URL, serving the shared bytes.
    const baselineUrls = screenshots(baseline.executions);
    const compareUrls = screenshots(compare.executions);
    for (const [i, url] of compareUrls.entries()) {
      expect(url).not.toBe(baselineUrls[i]);
      expect((await bytesOf(url)).equals(await bytesOf(baselineUrls[i]))).toBe(true);
      const thumbnail = await t.server.inject({ url: `/thumbnails/${keyOf(url)}` });
      expect(thumbnail.statusCode).toBe(200);
    }
    // A blob's own key is not an artifact URL.
    const blobKey = path.relative(
      path.join(t.dataDir, 'artifacts'),
      [...afterBaseline.keys()][0] ?? '',
    );
    expect((await t.server.inject({ url: artifactUrlPrefix + blobKey })).statusCode).toBe(404);
  });

  it('deleting runs never removes a blob still referenced; the last reference takes it', async () => {
    site.setVariant('original');
    const { projectId, batchId } = await createBatch(api, {
      pages: [
        { name: 'home', url: site.url + fixturePaths.home },
        { name: 'about', url: site.url + fixturePaths.about },
      ],
    });
    const baseline = await finishedRun(batchId, 'baseline');
    const unchanged = await finishedRun(batchId, 'compare');
    site.setVariant('changed');
    const changedA = await finishedRun(batchId, 'compare');
    const changedB = await finishedRun(batchId, 'compare');
    site.setVariant('original');
    const home = (e: { executions: Execution[] }) =>
      e.executions.find((x) => x.pageName === 'home')?.artifacts ?? {};
    expect(home(changedA).diff).toBeDefined();
    // The same change twice: the second run stored no image at all, not even its diff.
    expect(await bytesOf(home(changedB).diff)).toEqual(await bytesOf(home(changedA).diff));
    const before = pngsIn(blobsDir());
    // baseline home + about, changed home, its diff, heatmap and aligned diff (issue 15)
    expect(before.size).toBe(6);

    // Two runs holding the last references to four image blobs, deleted at once: each blob goes
    // exactly once (the freed bytes are theirs plus the runs' own logs, each counted once),
    // and nothing else goes.
    const ownOf = (runId: string) =>
      total(filesBelow(path.join(t.dataDir, 'artifacts', projectId, 'runs', runId)));
    const ownBytes = ownOf(changedA.run.id) + ownOf(changedB.run.id);
    const blobFilesBefore = filesBelow(blobsDir());
    const results = await Promise.all(
      [changedA, changedB].map((r) => deleteRun(t.app, r.run.id, 'test')),
    );
    const after = pngsIn(blobsDir());
    expect(after.size).toBe(2);
    const gone = [...before].filter(([file]) => !after.has(file));
    expect(gone).toHaveLength(4);
    expect(ownOf(changedA.run.id) + ownOf(changedB.run.id)).toBe(0);
    const freed = results.reduce((sum, r) => sum + r.bytesFreed, 0);
    // Every blob that went counts: the images, and the changed page's layout snapshot.
    const blobFilesAfter = filesBelow(blobsDir());
    const blobsGone = [...blobFilesBefore].filter(([file]) => !blobFilesAfter.has(file));
    expect(blobsGone.length).toBeGreaterThanOrEqual(gone.length);
    expect(freed).toBe(ownBytes + blobsGone.reduce((sum, [, size]) => sum + size, 0));
    const blobRows = await t.app.db.selectFrom('blobs').select('key').execute();
    // The baseline's two images, and its pages' layout snapshots (which travel with them).
    expect(blobRows.filter((b) => b.key.endsWith('.png'))).toHaveLength(2);

    // The baseline run goes: its images stay for the baseline (and the compare run using them).
    expect((await api.request('DELETE', `/runs/${baseline.run.id}`)).status).toBe(204);
    expect(pngsIn(blobsDir())).toEqual(after);
    for (const url of screenshots(unchanged.executions)) await bytesOf(url);
    // The compare run goes too: the baseline still holds them.
    expect((await api.request('DELETE', `/runs/${unchanged.run.id}`)).status).toBe(204);
    expect(pngsIn(blobsDir())).toEqual(after);
    const again = await finishedRun(batchId, 'compare');
    expect(again.run.summary).toMatchObject({ none: 2 });
    expect(pngsIn(blobsDir())).toEqual(after);

    // The project goes: the same bytes stay for the first test's project (blobs are shared
    // across projects), and go with it.
    expect((await api.request('DELETE', `/projects/${projectId}`)).status).toBe(204);
    expect(pngsIn(blobsDir())).toEqual(after);
    for (const url of firstProject?.screenshots ?? ['missing']) await bytesOf(url);
    expect((await api.request('DELETE', `/projects/${firstProject?.id}`)).status).toBe(204);
    expect(pngsIn(blobsDir()).size).toBe(0);
    expect(await t.app.db.selectFrom('blobs').select('key').execute()).toEqual([]);
  });
});
