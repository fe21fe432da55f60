import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Execution } from '../../src/runs/run.schema.ts';
import { fixturePaths } from '../fixtures/site/fixture-site.ts';
import { startCaptureHarness, type CaptureHarness } from '../support/capture-harness.ts';
import { pollRun } from '../support/scene-client.ts';
import { dialects } from '../support/test-app.ts';

// Capture scope: a page (or a task) captures its full page (default), its viewport, or one
// image per element selector, each its own cell (matrix key suffix) with its own baseline entry
// and diff, like BackstopJS `selectors`. Real Chromium against the fixture site.

function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe.each(dialects)('capture scope on %s', (dialect) => {
  let h: CaptureHarness;
  beforeAll(async () => {
    h = await startCaptureHarness(dialect);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  const imageSize = async (url: string | undefined) => {
    const image = await h.t.server.inject({ url: url ?? '' });
    expect(image.statusCode).toBe(200);
    return pngSize(image.rawPayload);
  };

  it('refuses a capture scope that cannot be captured, and changes nothing', async () => {
    const { api, site } = h;
    const project = await api.createProject({ name: `scope-input-${dialect}` });
    const url = site.url + fixturePaths.home;
    const bad: [unknown, RegExp][] = [
      [{ scope: 'elements' }, /elements scope needs at least one CSS selector/],
      [{ scope: 'elements', selectors: [] }, /elements scope needs at least one CSS selector/],
      [{ scope: 'viewport', selectors: ['#a'] }, /selectors apply to the elements scope only/],
      [{ scope: 'elements', selectors: ['#a', '#a'] }, /listed twice: #a/],
      [{ scope: 'region' }, /scope/],
    ];
    for (const [capture, message] of bad) {
      const response = await api.request('POST', `/projects/${project.id}/pages`, {
        name: 'bad',
        url,
        capture,
      });
      expect(response.status, JSON.stringify(capture)).toBe(400);
      expect(response.text).toMatch(message);
    }
    expect((await api.request('GET', `/projects/${project.id}/pages`)).body).toMatchObject({
      items: [],
    });

    const page = await api.createPage(project.id, { name: 'home', url });
    expect(page.capture).toEqual({ scope: 'fullPage' });
    const patched = await api.request('PATCH', `/pages/${page.id}`, {
      capture: { scope: 'elements', selectors: ['#title', '#ad-slot'] },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      capture: { scope: 'elements', selectors: ['#title', '#ad-slot'] },
    });
    const refused = await api.request('PATCH', `/pages/${page.id}`, {
      capture: { scope: 'elements', selectors: [] },
    });
    expect(refused.status).toBe(400);
    expect((await api.request('GET', `/pages/${page.id}`)).body).toMatchObject({
      capture: { scope: 'elements', selectors: ['#title', '#ad-slot'] },
    });
  });

  it('captures one image per element selector, each its own cell with its own baseline entry and diff; a viewport page at viewport size', async () => {
    const { api, site } = h;
    site.setVariant('original');
    const project = await api.createProject({ name: `scope-${dialect}` });
    const home = await api.createPage(project.id, {
      name: 'home',
      url: site.url + fixturePaths.home,
      capture: { scope: 'elements', selectors: ['#ad-slot', '#title'] },
    });
    const products = await api.createPage(project.id, {
      name: 'products',
      url: site.url + fixturePaths.products,
      capture: { scope: 'elements', selectors: ['#product-1', '.nothing-here'] },
    });
    const tall = await api.createPage(project.id, {
      name: 'tall',
      url: site.url + fixturePaths.tall,
      capture: { scope: 'viewport' },
    });
    const batch = await api.createBatch(project.id, {
      name: 'scopes',
      browsers: ['chromium'],
      viewports: ['desktop'],
      pageIds: [home.id, products.id, tall.id],
    });
    const recorded = await pollRun(api, (await api.launchRun(batch.id, { mode: 'baseline' })).id);
    const executions = await api.listExecutions(recorded.id);
    expect(executions.map((e) => e.matrixKey)).toEqual([
      `${home.id}||chromium|desktop|element:#ad-slot`,
      `${home.id}||chromium|desktop|element:#title`,
      `${products.id}||chromium|desktop|element:#product-1`,
      `${products.id}||chromium|desktop|element:.nothing-here`,
      `${tall.id}||chromium|desktop`,
    ]);
    const byKey = (list: Execution[], suffix: string) => {
      const found = list.find((e) => e.matrixKey.endsWith(suffix));
      expect(found, suffix).toBeDefined();
      return found as Execution;
    };
    const ad = byKey(executions, '#ad-slot');
    expect(ad).toMatchObject({
      status: 'finished',
      capture: { scope: 'element', selector: '#ad-slot' },
    });
    // Border-box sizes of the fixture's elements (test/fixtures/site/pages.ts).
    expect(await imageSize(ad.artifacts.screenshot)).toEqual({ width: 240, height: 120 });
    expect(await imageSize(byKey(executions, '#title').artifacts.screenshot)).toEqual({
      width: 1280 - 2 * 24,
      height: 40,
    });
    expect(await imageSize(byKey(executions, '#product-1').artifacts.screenshot)).toEqual({
      width: 180,
      height: 140,
    });
    const missing = byKey(executions, '.nothing-here');
    expect(missing.status).toBe('failed');
    expect(missing.error).toMatch(/selector "\.nothing-here" matches no element on the page/);
    const viewport = byKey(executions, `${tall.id}||chromium|desktop`);
    expect(viewport).toMatchObject({ status: 'finished', capture: { scope: 'viewport' } });
    expect(await imageSize(viewport.artifacts.screenshot)).toEqual({ width: 1280, height: 800 });
    expect(recorded.status).toBe('failed');

    // Each element cell has its own baseline entry.
    expect(await api.baselineHistory(recorded.baselineId ?? '', ad.matrixKey)).toHaveLength(1);

    // The changed variant recolours #title only: its cell differs, the ad slot's does not.
    site.setVariant('changed');
    const compared = await pollRun(
      api,
      (await api.launchRun(batch.id, { mode: 'compare', baselineId: recorded.baselineId })).id,
    );
    const after = await api.listExecutions(compared.id);
    expect(byKey(after, '#ad-slot')).toMatchObject({ status: 'finished', diffLevel: 'none' });
    expect(byKey(after, '#title').diffLevel).toMatch(/minor|major/);
    expect(byKey(after, '#title').artifacts.diff).toEqual(expect.any(String));

    // The viewer shows the element cell as its own entry, named by its selector.
    const viewer = await h.t.server.inject({ url: `/executions/${byKey(after, '#title').id}` });
    expect(viewer.statusCode).toBe(200);
    expect(viewer.body).toContain('#title');
    site.setVariant('original');
  }, 180_000);
});
