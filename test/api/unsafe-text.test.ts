import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dialects, type TestApp } from '../support/test-app.ts';
import {
  apiChecks,
  injectClient,
  type ApiChecks,
  type ErrorBody,
} from '../support/scene-client.ts';

/**
 * Text Postgres cannot store (NUL) or that is not Unicode (lone surrogates, which SQLite stored
 * as invalid UTF-8) is refused at the edge with the same 400 on both databases, naming the
 * field, wherever it appears: any JSON string or key at any depth, route params, query values
 * and UI form fields.
 */
describe.each(dialects)('unsafe text at the edge on %s', (dialect) => {
  let t: TestApp;
  let api: ApiChecks;
  let projectId: string;
  let pageId: string;
  let batchId: string;
  let webhookId: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    api = apiChecks(injectClient(t.server));
    projectId = (await api.project('Unsafe text')).id;
    pageId = (
      await api.create(`/projects/${projectId}/pages`, { name: 'home', url: 'https://site.test/' })
    ).id;
    batchId = (
      await api.create(`/projects/${projectId}/batches`, {
        name: 'nightly',
        pageIds: [pageId],
        browsers: ['chromium'],
        viewports: ['desktop'],
      })
    ).id;
    webhookId = (
      await api.create(`/projects/${projectId}/webhooks`, { url: 'https://hooks.test/' })
    ).id;
  });
  afterAll(() => t.close());

  const page = { name: 'p', url: 'https://site.test/p' };
  const NUL = '\u0000';

  /** [method, url, body with a placeholder X where the bad text goes, the field the error names] */
  const bodyCases = (bad: string): [string, () => string, unknown, string][] => [
    ['POST', () => '/projects', { name: `a${bad}b` }, 'name'],
    ['POST', () => '/projects', { name: 'ok', description: bad }, 'description'],
    ['PATCH', () => `/projects/${projectId}`, { description: `x${bad}` }, 'description'],
    ['POST', () => `/projects/${projectId}/pages`, { ...page, name: bad }, 'name'],
    [
      'POST',
      () => `/projects/${projectId}/pages`,
      { ...page, url: `https://a.test/${bad}` },
      'url',
    ],
    [
      'POST',
      () => `/projects/${projectId}/pages`,
      { ...page, referenceUrl: `https://a.test/${bad}` },
      'referenceUrl',
    ],
    [
      'POST',
      () => `/projects/${projectId}/pages`,
      { ...page, basicAuth: { username: `u${bad}`, password: 'p' } },
      'basicAuth.username',
    ],
    [
      'PATCH',
      () => `/pages/${pageId}`,
      { basicAuth: { username: 'u', password: `p${bad}` } },
      'basicAuth.password',
    ],
    [
      'POST',
      () => `/projects/${projectId}/pages`,
      { ...page, actions: [{ type: 'type', selector: '#q', value: `v${bad}` }] },
      'actions.0.value',
    ],
    ['PATCH', () => `/pages/${pageId}`, { hideSelectors: ['.a', `.b${bad}`] }, 'hideSelectors.1'],
    ['PATCH', () => `/pages/${pageId}`, { script: `1${bad}` }, 'script'],
    ['POST', () => `/projects/${projectId}/tasks`, { name: 't', script: bad }, 'script'],
    ['PATCH', () => `/batches/${batchId}`, { jiraIssue: `SHOP-1${bad}` }, 'jiraIssue'],
    ['POST', () => `/batches/${batchId}/runs`, { mode: 'compare', baselineId: bad }, 'baselineId'],
    ['PATCH', () => `/webhooks/${webhookId}`, { description: bad }, 'description'],
    [
      'PATCH',
      () => '/settings',
      { cookieBanner: { removeSelectors: [], cookies: [{ name: 'c', value: bad }] } },
      'cookieBanner.cookies.0.value',
    ],
    [
      'PATCH',
      () => `/projects/${projectId}/settings`,
      { viewports: [{ name: bad, width: 800, height: 600 }] },
      'viewports.0.name',
    ],
  ];

  async function expectRefused(
    method: string,
    url: string,
    payload: string | undefined,
    field: string,
    what: RegExp,
  ): Promise<void> {
    const body = await api.expectRejected(
      () => api.call(method, url, payload),
      400,
      new RegExp(`${field.replaceAll('.', '\\.')}: .*${what.source}`),
    );
    expect(body.error.code).toBe('validation_failed');
  }

  it('refuses NUL in any JSON string, naming the field, and stores nothing', async () => {
    for (const [method, url, body, field] of bodyCases(NUL)) {
      await expectRefused(method, url(), JSON.stringify(body), field, /NUL/);
    }
  });

  it('refuses lone surrogates in any JSON string, naming the field', async () => {
    // JSON.stringify escapes a lone surrogate as \ud800, which JSON.parse turns back into one.
    for (const [method, url, body, field] of bodyCases('x\ud800y')) {
      await expectRefused(method, url(), JSON.stringify(body), field, /Unicode/);
    }
    await expectRefused('POST', '/projects', '{"name":"a\\udc00"}', 'name', /Unicode/);
    // A well-formed pair is text like any other.
    const emoji = await api.post('/projects', { name: 'smile \ud83d\ude00' });
    expect(emoji.status, emoji.text).toBe(201);
  });

  it('refuses NUL and lone surrogates in keys, showing them escaped', async () => {
    const cases: [string, string, string][] = [
      ['/projects', '{"name":"k","x\\u0000":1}', 'x\\u0000: field name must not contain a NUL'],
      [
        '/settings',
        '{"cookieBanner":{"\\ud800":1}}',
        'cookieBanner.\\ud800: field name must be valid Unicode',
      ],
    ];
    for (const [url, payload, message] of cases) {
      const body = await api.expectRejected(
        () => api.call(url === '/settings' ? 'PATCH' : 'POST', url, payload),
        400,
        /field name/,
      );
      expect(body.error.message).toContain(message);
    }
  });

  it('refuses NUL in route params and query values', async () => {
    const cases: [string, string][] = [
      ['/projects/%00', 'id'],
      [`/projects/a%00b/pages`, 'id'],
      ['/runs/%00', 'id'],
      ['/runs?batchId=%00', 'batchId'],
      [`/runs?projectId=${projectId}&jiraIssue=a%00`, 'jiraIssue'],
      ['/audit?entityId=%00', 'entityId'],
      ['/baselines?batchId=%00', 'batchId'],
      ['/projects?cursor=%00', 'cursor'],
    ];
    for (const [url, field] of cases) {
      const response = await api.get(url);
      expect(response.status, `${url}: ${response.text}`).toBe(400);
      const error = (response.body as unknown as ErrorBody).error;
      expect(error.code).toBe('validation_failed');
      expect(error.message, url).toMatch(new RegExp(`${field}: .*NUL`));
    }
    const deleted = await api.delete('/pages/%00');
    expect(deleted.status, deleted.text).toBe(400);
  });

  it('refuses NUL in a UI form post the same way', async () => {
    const response = await t.server.inject({
      method: 'POST',
      url: '/projects',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'name=a%00b',
    });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.body).toMatch(/name: .*NUL/);
    expect((await api.listAll<{ name: string }>('/projects', 50)).map((p) => p.name)).not.toContain(
      'a\u0000b',
    );
  });

  it('answers a __proto__ (or constructor.prototype) key with a message naming it, not "not valid JSON"', async () => {
    for (const payload of [
      '{"name":"x","__proto__":{"admin":true}}',
      '{"name":"x","nested":{"__proto__":{}}}',
      '{"name":"x","constructor":{"prototype":{}}}',
    ]) {
      const body = await api.expectRejected(
        () => api.call('POST', '/projects', payload),
        400,
        /field name '(__proto__|prototype)' is not allowed/,
      );
      expect(body.error.message).not.toMatch(/not valid JSON/);
    }
    const form = await t.server.inject({
      method: 'POST',
      url: '/projects',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'name=x&__proto__=y',
    });
    expect(form.statusCode, form.body).toBe(400);
    expect(form.body).toMatch(
      /field name &#39;__proto__&#39; is not allowed|field name '__proto__' is not allowed/,
    );
  });
});
