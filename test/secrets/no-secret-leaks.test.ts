import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool } from '../../src/capture/browser-pool.ts';
import type { Execution } from '../../src/runs/run.schema.ts';
import {
  fixtureBasicAuth,
  fixturePaths,
  startFixtureSite,
  type FixtureSite,
} from '../fixtures/site/fixture-site.ts';
import { apiChecks, type ApiResponse, injectClient, pollRun } from '../support/scene-client.ts';
import { createTestApp, dialects, type TestApp } from '../support/test-app.ts';
import { basicAuthNeedles, findNeedles, scanDatabase, scanFiles, type Leak } from './leak-scan.ts';

// Issue #10, findings 6 and 7: after real runs against a basic-auth page, its password and its
// base64 `user:password` form are nowhere in clear — not in an artifact (every trace unzipped,
// trace.network and trace.trace included), an API response, a log line, an audit entry or the
// database as stored. Nor are the settings' preset cookie values in a trace, nor the webhook
// signing secret in the database.

const cookieSecret = 'ck-9d41e7-SETTINGS-COOKIE';

describe.each(dialects)('no secret leaks after runs against a basic-auth page on %s', (dialect) => {
  let site: FixtureSite;
  let t: TestApp;
  let pool: BrowserPool;
  beforeAll(async () => {
    site = await startFixtureSite();
    t = await createTestApp(dialect);
    pool = new BrowserPool();
    await pool.acquire('chromium');
    await t.app.startRunEngine({ pool, checkIntervalMs: 100 });
  });
  afterAll(async () => {
    await t.close();
    await site.close();
  });

  it('keeps the password out of traces, responses, logs, audit and the database file', async () => {
    const api = apiChecks(injectClient(t.server));
    const runs = injectClient(t.server);
    const responses: ApiResponse<unknown>[] = [];
    const track = async <T>(response: Promise<ApiResponse<T>>): Promise<ApiResponse<T>> => {
      const r = await response;
      responses.push(r);
      return r;
    };
    const { username, password } = fixtureBasicAuth;
    const authUrl = site.url + fixturePaths.auth;

    await track(
      api.patch('/settings', {
        cookieBanner: {
          removeSelectors: [],
          cookies: [{ name: 'scene_sso', value: cookieSecret }],
        },
      }),
    );
    const project = await api.project('Private site');
    const pagesUrl = `/projects/${project.id}/pages`;
    const basicAuth = { username, password };
    // Once Chromium has answered the challenge it sends `Authorization: Basic …` with every
    // request to the origin: these subresource requests are where a trace records it.
    const subresources = `await (await fetch('/auth?fetch')).text();
      await new Promise((done) => { const image = new Image(); image.onload = image.onerror = done; image.src = '/auth?image'; });`;
    const good = await track(
      api.post<{ id: string }>(pagesUrl, {
        name: 'private',
        url: authUrl,
        referenceUrl: authUrl,
        basicAuth,
        script: subresources,
      }),
    );
    // Fails on a step after navigating: the failure path stores a trace too.
    const broken = await track(
      api.post<{ id: string }>(pagesUrl, {
        name: 'private-broken',
        url: authUrl,
        basicAuth,
        actions: [
          { type: 'evaluate', script: subresources },
          { type: 'click', selector: '#no-such-element', ms: 300 },
        ],
      }),
    );
    expect([good.status, broken.status]).toEqual([201, 201]);

    // Credentials written into a URL are refused, pointing to basicAuth; nothing is stored.
    const inUrl = authUrl.replace('://', `://${username}:${password}@`);
    const refused = [
      await track(api.post(pagesUrl, { name: 'in-url', url: inUrl })),
      await track(api.post(pagesUrl, { name: 'in-ref', url: authUrl, referenceUrl: inUrl })),
      await track(api.patch(`/pages/${good.body.id}`, { url: inUrl })),
      await track(api.patch(`/pages/${good.body.id}`, { referenceUrl: inUrl })),
    ];
    for (const r of refused) {
      expect(r.status, r.text).toBe(400);
      expect(r.text).toContain('basicAuth');
    }
    const hookRefused = await track(
      api.post(`/projects/${project.id}/webhooks`, { url: `http://hook:${password}@127.0.0.1:9/` }),
    );
    expect(hookRefused.status, hookRefused.text).toBe(400);

    const hook = await api.create<{ id: string; secret: string }>(
      `/projects/${project.id}/webhooks`,
      { url: 'http://127.0.0.1:9/hook' },
    );
    const batch = await api.create<{ id: string }>(`/projects/${project.id}/batches`, {
      name: 'nightly',
      pageIds: [good.body.id, broken.body.id],
      browsers: ['chromium'],
      viewports: ['desktop'],
    });

    const executions: Execution[] = [];
    for (const mode of ['baseline', 'compare'] as const) {
      const run = await pollRun(runs, (await runs.launchRun(batch.id, { mode })).id);
      expect(run.status).toBe('failed');
      const cells = await runs.listExecutions(run.id);
      executions.push(...cells);
      const byName = Object.fromEntries(cells.map((e) => [e.pageName, e]));
      // It authenticated (else it would have failed with 401) and recorded both traces.
      expect(byName['private']).toMatchObject({ status: 'finished', httpStatus: 200 });
      expect(byName['private']?.artifacts.trace).toBeDefined();
      expect(byName['private-broken']?.status).toBe('failed');
      expect(byName['private-broken']?.error).toMatch(/#no-such-element/);
      expect(byName['private-broken']?.artifacts.trace).toBeDefined();
      await track(api.get(`/runs/${run.id}`));
      await track(api.get(`/runs/${run.id}/executions`));
      await track(api.get(`/runs/${run.id}/log?limit=5000`));
    }
    for (const e of executions) {
      await track(api.get(`/executions/${e.id}`));
      const log = e.artifacts.log;
      if (log !== undefined) {
        const response = await t.server.inject({ url: log });
        responses.push({ status: response.statusCode, body: null, text: response.body });
      }
    }
    await track(api.get(pagesUrl));
    await track(api.get(`/pages/${good.body.id}`));
    await track(api.get(`/projects/${project.id}/webhooks`));
    await track(api.get(`/webhooks/${hook.id}/deliveries`));
    await track(api.get('/settings'));
    const audit = await track(api.get('/audit?limit=200'));
    expect(audit.text).toContain('[redacted]');

    const needles = basicAuthNeedles(username, password);
    const artifacts = scanFiles(path.join(t.dataDir, 'artifacts'), [...needles, cookieSecret]);
    // The scan did open the traces: two runs, two traces each.
    expect(artifacts.zipEntries.filter((e) => e.endsWith('trace.network'))).toHaveLength(4);
    expect(artifacts.zipEntries.filter((e) => e.endsWith('trace.trace'))).toHaveLength(4);
    const sqliteFile = path.join(t.dataDir, 'scene.db');
    const leaks: Leak[] = [
      ...artifacts.leaks,
      ...responses.flatMap((r, i) => findNeedles(`response ${i}`, r.text, needles)),
      ...t.logs.flatMap((line, i) => findNeedles(`log line ${i}`, line, [...needles, hook.secret])),
      ...(await scanDatabase(t.app.db, dialect, sqliteFile, [...needles, hook.secret])),
    ];
    expect(leaks).toEqual([]);
  });
});
