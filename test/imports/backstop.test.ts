import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../src/client/scene-client.ts';
import { startCaptureHarness, type CaptureHarness } from '../support/capture-harness.ts';
import { apiChecks, injectClient, pollRun, type ApiChecks } from '../support/scene-client.ts';
import { createTestApp, dialects, type TestApp } from '../support/test-app.ts';

// A realistic backstop.json (12 scenarios, most fields) imported through the API; its batch
// then runs against the fixture site.

const fixtureDir = path.resolve(import.meta.dirname, '../fixtures/backstop');

function backstopBody(siteUrl: string, project?: string) {
  const text = fs.readFileSync(path.join(fixtureDir, 'backstop.json'), 'utf8');
  return {
    config: JSON.parse(text.replaceAll('http://127.0.0.1:PORT', siteUrl)) as unknown,
    ...(project && { project }),
    cookies: {
      'cookies/consent.json': fs.readFileSync(
        path.join(fixtureDir, 'cookies/consent.json'),
        'utf8',
      ),
    },
  };
}

interface ImportResult {
  project: { id: string; name: string };
  changes: { action: string; entity: string; name: string }[];
  report: {
    mapped: { scenario: string; page: string; fields: string[] }[];
    notMapped: { scenario?: string; field: string; reason: string }[];
    viewportsAdded: string[];
  };
}

describe.each(dialects)('BackstopJS import on %s', (dialect) => {
  let t: TestApp;
  let api: ApiChecks;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    api = apiChecks(injectClient(t.server));
  });
  afterAll(() => t.close());

  it('maps scenarios to pages, viewports and thresholds, and reports what it could not map', async () => {
    const response = await api.post<ImportResult>(
      '/imports/backstop',
      backstopBody('http://127.0.0.1:9'),
    );
    expect(response.status, response.text).toBe(200);
    const { project, report } = response.body;
    expect(project.name).toBe('shop_visual');
    expect(report.mapped).toHaveLength(12);
    expect(report.viewportsAdded).toEqual(['phone']);
    const notMapped = report.notMapped.map((n) => `${n.scenario ?? '(config)'} ${n.field}`);
    expect(notMapped).toEqual(
      expect.arrayContaining([
        '(config) onBeforeScript',
        '(config) onReadyScript',
        'Tall page onReadyScript',
        'Gallery onBeforeScript',
        'Gallery requireSameDimensions',
        'Homepage misMatchThreshold',
      ]),
    );
    expect(report.notMapped.find((n) => n.scenario === 'Tall page')?.reason).toMatch(/Node script/);

    const pages = await api.listAll<{
      name: string;
      url: string;
      referenceUrl?: string;
      actions: unknown[];
      hideSelectors: string[];
      removeSelectors: string[];
      waitMs?: number;
    }>(`/projects/${project.id}/pages`, 200);
    const page = (name: string) => pages.find((p) => p.name === name);
    expect(pages).toHaveLength(12);
    expect(page('Homepage')).toMatchObject({
      url: 'http://127.0.0.1:9/',
      referenceUrl: 'http://127.0.0.1:9/?variant=reference',
      hideSelectors: ['#ad-slot'],
      removeSelectors: ['#promo'],
      waitMs: 100,
      actions: [{ type: 'waitForSelector', selector: '#features' }],
    });
    expect(page('Menu open')?.actions).toEqual([
      { type: 'click', selector: '#menu-button' },
      { type: 'waitForTimeout', ms: 200 },
    ]);
    expect(page('Menu hover')?.actions).toEqual([
      { type: 'hover', selector: '#menu-button' },
      { type: 'waitForSelector', selector: '#menu-button' },
    ]);
    expect(page('Form typed')?.actions).toEqual([
      { type: 'type', selector: '#name', value: 'Ada Lovelace' },
      { type: 'click', selector: '#agree' },
    ]);
    expect(page('Cookie banner accepted')?.actions).toEqual([
      { type: 'setCookie', value: 'fixture_consent=accepted' },
    ]);
    expect(page('Lazy images')?.actions).toEqual([{ type: 'scroll', selector: '#lazy-image' }]);
    // Backstop `selectors` become the page's element capture scope (one cell per selector).
    expect(page('Products')).toMatchObject({
      capture: { scope: 'elements', selectors: ['#product-2'] },
    });
    expect(page('About')).toMatchObject({ capture: { scope: 'fullPage' } });
    expect(notMapped).not.toContain('Products selectors');

    const settings = await api.get<{ viewports: { name: string }[] }>(
      `/projects/${project.id}/settings`,
    );
    expect(settings.body.viewports.map((v) => v.name)).toEqual(['desktop', 'mobile', 'phone']);
    const [batch] = await api.listAll<{
      name: string;
      viewports: string[];
      pageIds: string[];
      executionDiffThreshold: number;
    }>(`/projects/${project.id}/batches`);
    expect(batch).toMatchObject({
      name: 'shop_visual',
      viewports: ['phone', 'desktop'],
      executionDiffThreshold: 0.5,
    });
    expect(batch?.pageIds).toHaveLength(12);

    // Importing again changes nothing.
    const again = await api.post<ImportResult>(
      '/imports/backstop',
      backstopBody('http://127.0.0.1:9'),
    );
    expect(again.body.changes).toEqual([]);
  });
});

describe('a run of an imported BackstopJS batch', { timeout: 240_000 }, () => {
  let h: CaptureHarness;
  beforeAll(async () => {
    h = await startCaptureHarness('sqlite');
  });
  afterAll(() => h?.close());

  it('captures every scenario', async () => {
    const imported = await h.api.ok<ImportResult>(
      'POST',
      '/imports/backstop',
      backstopBody(h.site.url, 'backstop-run'),
    );
    const [batch] = await h.api.listBatches(imported.project.id);
    if (!batch) throw new Error('no batch imported');
    const run = await h.api.launchRun(batch.id, { mode: 'baseline' });
    const ended: Run = await pollRun(h.api, run.id, undefined, 200_000);
    const executions = await h.api.listExecutions(run.id);
    expect(executions).toHaveLength(24);
    const failed = executions.filter((e) => e.status !== 'finished');
    expect(failed.map((e) => `${e.pageName}: ${JSON.stringify(e.error)}`)).toEqual([]);
    expect(ended.status).toBe('finished');
    expect(new Set(executions.map((e) => e.pageName)).size).toBe(12);
  });
});
