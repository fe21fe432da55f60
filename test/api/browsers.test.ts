import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserAvailability } from '../../src/capture/browser-availability.ts';
import { createBatch, injectClient, type SceneClient } from '../support/scene-client.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Issue 18: GET /api/v1/browsers says which browsers can capture on this machine (probed, not
 * assumed), and a batch naming one that cannot fails at launch with 422 and what to install.
 */
describe('browsers', () => {
  let t: TestApp;
  let api: SceneClient;
  beforeAll(async () => {
    t = await createTestApp('sqlite');
    api = injectClient(t.server);
  });
  afterAll(() => t.close());

  it('lists every supported browser with its availability, version or reason', async () => {
    const response = await api.request('GET', '/browsers');
    expect(response.status).toBe(200);
    const browsers = response.body as BrowserAvailability[];
    expect(browsers.map((b) => b.name)).toEqual(['chromium', 'firefox', 'webkit']);
    const chromium = browsers.find((b) => b.name === 'chromium');
    expect(chromium).toMatchObject({ available: true });
    expect(chromium?.version).toMatch(/^\d+\.\d+/);
    for (const browser of browsers.filter((b) => !b.available)) {
      expect(browser.reason, browser.name).toBeTruthy();
    }
    // WebKit cannot be driven here: never listed as available.
    expect(browsers.find((b) => b.name === 'webkit')).toMatchObject({
      available: false,
      reason: expect.stringMatching(/not available on this machine/) as unknown,
    });
  });

  it('refuses (422) to launch a batch naming a browser that cannot capture, with the install command', async () => {
    await api.updateSettings({ browsers: ['chromium', 'firefox', 'webkit'] });
    const { batchId } = await createBatch(api, {
      pages: [{ name: 'p', url: 'http://127.0.0.1:9/' }],
      browsers: ['chromium', 'webkit'],
    });
    const launched = await api.request('POST', `/batches/${batchId}/runs`, { mode: 'baseline' });
    expect(launched.status).toBe(422);
    expect(launched.text).toMatch(/browser 'webkit' cannot capture on this machine/);
    expect(await t.app.db.selectFrom('runs').select('id').execute()).toEqual([]);

    const firefox = ((await api.request('GET', '/browsers')).body as BrowserAvailability[]).find(
      (b) => b.name === 'firefox',
    );
    if (firefox?.available) return;
    const { batchId: firefoxBatch } = await createBatch(api, {
      pages: [{ name: 'p', url: 'http://127.0.0.1:9/' }],
      browsers: ['firefox'],
    });
    const refused = await api.request('POST', `/batches/${firefoxBatch}/runs`, {
      mode: 'baseline',
    });
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/browser 'firefox' cannot capture on this machine/);
    if (firefox?.install) expect(refused.text).toContain(firefox.install);
  });
});
