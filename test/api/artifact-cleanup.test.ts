import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactUrlPrefix } from '../../src/artifacts/artifact-files.ts';
import { fixturePaths, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import { createBatch, pollRun, type SceneClient } from '../support/scene-client.ts';
import { startCaptureHarness, type CaptureHarness } from '../support/capture-harness.ts';
import { dialects, type TestApp } from '../support/test-app.ts';

/**
 * Artifacts of real captures: thumbnails exist only for images (a trace or log answered 500),
 * are never served once their run or project is deleted (they were, from memory), and deleting
 * a run or project leaves no empty directories behind (a project left 110).
 */
describe.each(dialects)('artifact thumbnails and files after deletion on %s', (dialect) => {
  let t: TestApp;
  let site: FixtureSite;
  let api: SceneClient;

  let harness: CaptureHarness;
  beforeAll(async () => {
    harness = await startCaptureHarness(dialect);
    ({ site, t, api } = harness);
  });
  afterAll(() => harness.close());

  const artifactsRoot = () => path.join(t.dataDir, 'artifacts');
  const keyOf = (url: string | undefined) => (url ?? '').slice(artifactUrlPrefix.length);
  const thumbnail = (key: string) => t.server.inject({ url: `/thumbnails/${key}` });

  /** Every directory below `dir`, the empty ones too. */
  function directoriesBelow(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) => {
        const full = path.join(dir, entry.name);
        return [full, ...directoriesBelow(full)];
      });
  }

  async function finishedRun(batchId: string, mode: 'baseline' | 'compare') {
    const run = await pollRun(api, (await api.launchRun(batchId, { mode })).id);
    expect(run.status).toBe('finished');
    return { run, executions: await api.listExecutions(run.id) };
  }

  it('serves thumbnails of images only, and none of a deleted run or project', async () => {
    const { projectId, batchId } = await createBatch(api, {
      pages: [
        { name: 'home', url: site.url + fixturePaths.home },
        { name: 'about', url: site.url + fixturePaths.about },
      ],
    });
    const baseline = await finishedRun(batchId, 'baseline');
    const compare = await finishedRun(batchId, 'compare');
    const first = compare.executions[0]?.artifacts ?? {};
    for (const url of [first.trace, first.log]) {
      expect(url, JSON.stringify(first)).toBeDefined();
      const response = await thumbnail(keyOf(url));
      expect(response.statusCode, `${url}: ${response.body}`).toBe(404);
      expect(response.body).toMatch(/not an image/);
    }

    const compareShot = keyOf(first.screenshot);
    const baselineShot = keyOf(baseline.executions[0]?.artifacts.screenshot);
    for (const key of [compareShot, baselineShot]) {
      const response = await thumbnail(key);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('image/webp');
    }

    expect((await api.request('DELETE', `/runs/${compare.run.id}`)).status).toBe(204);
    expect((await thumbnail(compareShot)).statusCode).toBe(404);
    expect((await thumbnail(baselineShot)).statusCode).toBe(200);

    expect((await api.request('DELETE', `/projects/${projectId}`)).status).toBe(204);
    expect((await thumbnail(baselineShot)).statusCode).toBe(404);
  });

  it('deleting a run or a project leaves no empty directories', async () => {
    const { projectId, batchId } = await createBatch(api, {
      pages: [
        { name: 'home', url: site.url + fixturePaths.home },
        { name: 'about', url: site.url + fixturePaths.about },
      ],
    });
    await finishedRun(batchId, 'baseline');
    const compare = await finishedRun(batchId, 'compare');
    const projectDir = path.join(artifactsRoot(), projectId);
    const runDir = path.join(projectDir, 'runs', compare.run.id);
    expect(fs.existsSync(runDir)).toBe(true);

    expect((await api.request('DELETE', `/runs/${compare.run.id}`)).status).toBe(204);
    expect(fs.existsSync(runDir), directoriesBelow(runDir).join('\n')).toBe(false);
    expect(fs.existsSync(projectDir)).toBe(true); // the baseline run's files are still there

    expect((await api.request('DELETE', `/projects/${projectId}`)).status).toBe(204);
    expect(directoriesBelow(projectDir)).toEqual([]);
    expect(fs.existsSync(projectDir)).toBe(false);
    expect(fs.existsSync(artifactsRoot())).toBe(true);
  });
});
