import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool } from '../../src/capture/browser-pool.ts';
import { fixturePaths, startFixtureSite, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import { createTestApp, dialects, type TestApp } from '../support/test-app.ts';
import {
  type ApiChecks,
  apiChecks,
  createBatch,
  injectClient,
  pollRun,
} from '../support/scene-client.ts';

/**
 * Cookie-banner cookies are preset in every capture of every project: one Chromium refuses
 * (`Storage.setCookies: Invalid cookie fields`) failed them all. They are checked against the
 * cookie grammar (RFC 6265) when saved, globally and as project overrides, and the ones that
 * pass still reach the page in a real Chromium.
 */
describe.each(dialects)('cookie-banner cookies on %s', (dialect) => {
  let t: TestApp;
  let api: ApiChecks;
  let site: FixtureSite;
  let pool: BrowserPool;
  let projectId: string;

  beforeAll(async () => {
    site = await startFixtureSite();
    t = await createTestApp(dialect);
    api = apiChecks(injectClient(t.server));
    pool = new BrowserPool();
    await pool.acquire('chromium');
    await t.app.startRunEngine({ pool, checkIntervalMs: 100 });
    projectId = (await api.project('Cookies')).id;
  });
  afterAll(async () => {
    await t.close();
    await site.close();
  });

  const withCookie = (cookie: Record<string, string>) => ({
    cookieBanner: { removeSelectors: [], cookies: [{ name: 'ok', value: 'yes' }, cookie] },
  });

  const bad: [Record<string, string>, RegExp][] = [
    [{ name: 'a;b', value: 'v' }, /cookies\.1\.name: .*token/],
    [{ name: 'a=b', value: 'v' }, /cookies\.1\.name: .*token/],
    [{ name: 'a b', value: 'v' }, /cookies\.1\.name: .*token/],
    [{ name: 'caf\u00e9', value: 'v' }, /cookies\.1\.name: .*token/],
    [{ name: '', value: 'v' }, /cookies\.1\.name: must not be empty/],
    [{ name: 'n', value: 'x\r\ny' }, /cookies\.1\.value: .*cookie-octet/],
    [{ name: 'n', value: 'x\ny' }, /cookies\.1\.value/],
    [{ name: 'n', value: 'a;b' }, /cookies\.1\.value/],
    [{ name: 'n', value: 'a b' }, /cookies\.1\.value/],
    [{ name: 'n', value: 'a,b' }, /cookies\.1\.value/],
    [{ name: 'n', value: 'a\\b' }, /cookies\.1\.value/],
    [{ name: 'n', value: '"open' }, /cookies\.1\.value/],
    [{ name: 'n', value: 'v', domain: '..' }, /cookies\.1\.domain: .*domain/],
    [{ name: 'n', value: 'v', domain: '.' }, /cookies\.1\.domain/],
    [{ name: 'n', value: 'v', domain: 'a..b.test' }, /cookies\.1\.domain/],
    [{ name: 'n', value: 'v', domain: 'exa mple.test' }, /cookies\.1\.domain/],
    [{ name: 'n', value: 'v', domain: 'site.test;x=1' }, /cookies\.1\.domain/],
    [{ name: 'n', value: 'v', domain: '-site.test' }, /cookies\.1\.domain/],
    [{ name: 'n', value: 'v', domain: 'http://site.test' }, /cookies\.1\.domain/],
    [{ name: 'n', value: 'v', path: 'docs' }, /cookies\.1\.path: .*start with \//],
    [{ name: 'n', value: 'v', path: '/a;b' }, /cookies\.1\.path/],
    [{ name: 'n', value: 'v', path: '/a\r\nb' }, /cookies\.1\.path/],
  ];

  it('refuses cookies outside the cookie grammar, globally and per project, changing nothing', async () => {
    const state = async () => [
      (await api.get('/settings')).body,
      (await api.get(`/projects/${projectId}/settings`)).body,
    ];
    for (const [cookie, message] of bad) {
      for (const url of ['/settings', `/projects/${projectId}/settings`]) {
        await api.expectRejected(() => api.patch(url, withCookie(cookie)), 400, message, state);
      }
    }
  });

  it('presets valid cookies in a real Chromium capture: the run finishes and the page gets them', async () => {
    const cookies = [
      { name: 'fixture_consent', value: 'accepted' },
      { name: "tok!#$%&'*+-.^_`|~9", value: '"quoted:[v]"' },
      { name: 'scoped', value: 'a%20b/c?d=e', domain: '127.0.0.1', path: '/' },
      { name: 'empty', value: '' },
    ];
    const saved = await api.patch('/settings', {
      cookieBanner: { removeSelectors: [], cookies },
    });
    expect(saved.status, saved.text).toBe(200);

    const sceneApi = injectClient(t.server);
    const { batchId } = await createBatch(sceneApi, {
      pages: [{ name: 'banner', url: site.url + fixturePaths.cookieBanner }],
    });
    site.clearRequests();
    const run = await pollRun(
      sceneApi,
      (await sceneApi.launchRun(batchId, { mode: 'baseline' })).id,
    );
    expect(run.status, JSON.stringify(await sceneApi.listExecutions(run.id))).toBe('finished');
    const request = site.requests.find((r) => r.path === fixturePaths.cookieBanner);
    const sent = String(request?.headers.cookie ?? '').split('; ');
    expect(sent).toEqual(
      expect.arrayContaining([
        'fixture_consent=accepted',
        `tok!#$%&'*+-.^_\`|~9="quoted:[v]"`,
        'scoped=a%20b/c?d=e',
      ]),
    );
    await api.patch('/settings', { cookieBanner: null });
  });
});
