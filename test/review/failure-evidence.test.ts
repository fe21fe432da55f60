import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Execution } from '../../src/runs/run.schema.ts';
import { fixturePaths } from '../fixtures/site/fixture-site.ts';
import { startCaptureHarness, type CaptureHarness } from '../support/capture-harness.ts';
import { createBatch, pollRun } from '../support/scene-client.ts';

// Failure evidence: a failed execution keeps a screenshot of the page as it was when it failed
// (a failed step, an HTTP error), shown in the viewer beside the error. Real Chromium.

function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('failure evidence', () => {
  let h: CaptureHarness;
  beforeAll(async () => {
    h = await startCaptureHarness('sqlite');
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('keeps a screenshot of the page at a failed step and at an HTTP error, and shows it beside the error', async () => {
    const { api, site } = h;
    const { batchId } = await createBatch(api, {
      pages: [
        {
          name: 'menu',
          url: site.url + fixturePaths.menu,
          actions: [
            { type: 'click', selector: '#menu-button' },
            { type: 'click', selector: '#no-such-element', ms: 500 },
          ],
        },
        { name: 'broken', url: site.url + fixturePaths.serverError },
        { name: 'about', url: site.url + fixturePaths.about },
      ],
    });
    const run = await pollRun(api, (await api.launchRun(batchId, { mode: 'baseline' })).id);
    const cells = Object.fromEntries(
      (await api.listExecutions(run.id)).map((e) => [e.pageName, e]),
    ) as Record<string, Execution>;
    for (const name of ['menu', 'broken']) {
      const cell = cells[name];
      expect(cell?.status, name).toBe('failed');
      expect(cell?.artifacts.failure, name).toMatch(/^\/api\/v1\/artifacts\/.+\.png$/);
      const image = await h.t.server.inject({ url: cell?.artifacts.failure ?? '' });
      expect(image.statusCode).toBe(200);
      expect(image.headers['content-type']).toBe('image/png');
      expect(pngSize(image.rawPayload)).toEqual({
        width: cell?.viewport.width,
        height: cell?.viewport.height,
      });
    }
    // The finished execution has none.
    expect(cells['about']?.artifacts.failure).toBeUndefined();

    const viewer = await h.t.server.inject({ url: `/executions/${cells['menu']?.id}` });
    expect(viewer.statusCode).toBe(200);
    expect(viewer.body).toContain('class="failure-evidence"');
    expect(viewer.body).toContain(`src="${cells['menu']?.artifacts.failure}"`);
    expect(viewer.body).toMatch(/page step 2 \(click &#34;#no-such-element&#34;\) failed/);
  }, 120_000);

  it('keeps a screenshot of the page when the execution times out, and shows it in the viewer', async () => {
    const { api, site } = h;
    const { projectId, batchId } = await createBatch(api, {
      pages: [
        {
          name: 'stuck',
          url: site.url + fixturePaths.home,
          // Outlasts the execution timeout: the page is loaded and painted, the capture waits.
          actions: [{ type: 'waitForTimeout', ms: 60_000 }],
        },
      ],
    });
    await api.ok('PATCH', `/projects/${projectId}/settings`, { executionTimeoutSeconds: 4 });
    const run = await pollRun(api, (await api.launchRun(batchId, { mode: 'baseline' })).id);
    const [cell] = await api.listExecutions(run.id);
    expect(cell).toMatchObject({ status: 'cancelled', cancelReason: 'timeout' });
    expect(cell?.error).toMatch(/timed out after 4 s/);
    expect(cell?.artifacts.failure).toMatch(/^\/api\/v1\/artifacts\/.+\.png$/);
    const image = await h.t.server.inject({ url: cell?.artifacts.failure ?? '' });
    expect(image.statusCode).toBe(200);
    expect(pngSize(image.rawPayload)).toEqual({
      width: cell?.viewport.width,
      height: cell?.viewport.height,
    });
    // The page had rendered: the screenshot is not blank.
    const { data, info } = await sharp(image.rawPayload)
      .raw()
      .toBuffer({ resolveWithObject: true });
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += info.channels * 97) colours.add(data.readUInt32BE(i));
    expect(colours.size).toBeGreaterThan(2);

    const viewer = await h.t.server.inject({ url: `/executions/${cell?.id ?? ''}` });
    expect(viewer.body).toContain('class="failure-evidence"');
    expect(viewer.body).toContain(`src="${cell?.artifacts.failure ?? ''}"`);
  }, 120_000);
});
