import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dialects, type TestApp } from '../support/test-app.ts';
import { apiChecks, injectClient, type ApiChecks } from '../support/scene-client.ts';

interface PageBody {
  id: string;
  projectId: string;
  name: string;
  [key: string]: unknown;
}

describe.each(dialects)('pages API on %s', (dialect) => {
  let t: TestApp;
  let api: ApiChecks;
  let projectId: string;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    api = apiChecks(injectClient(t.server));
    projectId = (await api.project('Pages project')).id;
  });
  afterAll(() => t.close());

  it('creates, reads, lists, updates and deletes a page, auditing each change', async () => {
    const created = await api.create<PageBody>(`/projects/${projectId}/pages`, {
      name: 'Home',
      url: 'https://example.com/',
      referenceUrl: 'https://prod.example.com/',
      actions: [
        { type: 'click', selector: '#menu' },
        { type: 'waitForTimeout', ms: 100 },
      ],
      script: 'document.body.dataset.ready = "1"',
      hideSelectors: ['.clock'],
      removeSelectors: ['.chat'],
      maskSelectors: ['.ad'],
      ignoreRegions: [{ x: 0, y: 0, width: 10, height: 20 }],
      waitMs: 250,
    });
    expect(created).toMatchObject({
      projectId,
      name: 'Home',
      url: 'https://example.com/',
      referenceUrl: 'https://prod.example.com/',
      actions: [
        { type: 'click', selector: '#menu' },
        { type: 'waitForTimeout', ms: 100 },
      ],
      hideSelectors: ['.clock'],
      ignoreRegions: [{ x: 0, y: 0, width: 10, height: 20 }],
      waitMs: 250,
    });
    expect(created).not.toHaveProperty('basicAuth');

    const read = await api.get(`/pages/${created.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created);

    const minimal = await api.create<PageBody>(`/projects/${projectId}/pages`, {
      name: 'Minimal',
      url: 'http://127.0.0.1:8000/a',
    });
    expect(minimal).toMatchObject({
      actions: [],
      hideSelectors: [],
      removeSelectors: [],
      maskSelectors: [],
      ignoreRegions: [],
    });

    const patched = await api.patch<PageBody>(`/pages/${created.id}`, {
      name: 'Home page',
      referenceUrl: null,
      waitMs: null,
      hideSelectors: [],
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Home page', hideSelectors: [], url: created.url });
    expect(patched.body).not.toHaveProperty('referenceUrl');
    expect(patched.body).not.toHaveProperty('waitMs');
    expect((await api.get(`/pages/${created.id}`)).body).toEqual(patched.body);

    expect((await api.delete(`/pages/${minimal.id}`)).status).toBe(204);
    expect((await api.get(`/pages/${minimal.id}`)).status).toBe(404);

    const entries = await api.audit(`entityType=page&entityId=${created.id}`);
    expect(entries.map((e) => e.action)).toEqual(['update', 'create']);
    expect(entries[0]?.projectId).toBe(projectId);
    expect(entries[0]?.changes).toEqual({
      name: { before: 'Home', after: 'Home page' },
      referenceUrl: { before: 'https://prod.example.com/', after: null },
      waitMs: { before: 250, after: null },
      hideSelectors: { before: ['.clock'], after: [] },
    });
    expect(entries[1]?.changes.url).toEqual({ before: null, after: 'https://example.com/' });
    const deletion = await api.audit(`entityType=page&entityId=${minimal.id}`);
    expect(deletion[0]).toMatchObject({ action: 'delete', actor: 'api' });
    expect(deletion[0]?.changes.name).toEqual({ before: 'Minimal', after: null });
  });

  it('keeps, replaces or removes basic-auth credentials on PATCH', async () => {
    const page = await api.create<PageBody>(`/projects/${projectId}/pages`, {
      name: 'Private',
      url: 'https://intranet.example.com/',
      basicAuth: { username: 'alice', password: 'first-secret' },
    });
    expect(page.basicAuth).toEqual({ username: 'alice', passwordSet: true });

    const renamed = await api.patch<PageBody>(`/pages/${page.id}`, {
      basicAuth: { username: 'bob' },
    });
    expect(renamed.body.basicAuth).toEqual({ username: 'bob', passwordSet: true });

    const { findPagesForCapture } = await import('../../src/pages/pages.repository.ts');
    const [forCapture] = await findPagesForCapture(t.app.db, [page.id]);
    expect(forCapture?.basicAuth).toEqual({ username: 'bob', password: 'first-secret' });

    await api.patch(`/pages/${page.id}`, { basicAuth: { username: 'bob', password: 'second' } });
    const [replaced] = await findPagesForCapture(t.app.db, [page.id]);
    expect(replaced?.basicAuth).toEqual({ username: 'bob', password: 'second' });

    const removed = await api.patch<PageBody>(`/pages/${page.id}`, { basicAuth: null });
    expect(removed.body).not.toHaveProperty('basicAuth');
    const [cleared] = await findPagesForCapture(t.app.db, [page.id]);
    expect(cleared).not.toHaveProperty('basicAuth');

    // Username alone cannot create credentials: there is no password to keep.
    await api.expectRejected(
      () => api.patch(`/pages/${page.id}`, { basicAuth: { username: 'carol' } }),
      422,
      /basicAuth\.password is required/,
      () => api.get(`/pages/${page.id}`),
    );

    const entries = await api.audit(`entityType=page&entityId=${page.id}`);
    expect(entries.map((e) => e.action)).toEqual(['update', 'update', 'update', 'create']);
    expect(entries[3]?.changes['basicAuth.password']).toEqual({
      before: '[redacted]',
      after: '[redacted]',
    });
    // The username-only change did not touch the password.
    expect(entries[2]?.changes).toEqual({
      basicAuth: {
        before: { username: 'alice', passwordSet: true },
        after: { username: 'bob', passwordSet: true },
      },
    });
    expect(Object.keys(entries[1]?.changes ?? {})).toEqual(['basicAuth.password']);
    expect(entries[0]?.changes).toMatchObject({
      basicAuth: { before: { username: 'bob', passwordSet: true }, after: null },
      'basicAuth.password': { before: '[redacted]', after: '[redacted]' },
    });
  });

  it('paginates a project’s pages with a cursor, newest first, and only that project’s', async () => {
    const own = await api.project('Paged pages');
    const other = await api.project('Other pages');
    await api.create(`/projects/${other.id}/pages`, { name: 'elsewhere', url: 'https://x.test/' });
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      await api.create(`/projects/${own.id}/pages`, { name, url: `https://x.test/${name}` });
    }
    const names = (await api.listAll<PageBody>(`/projects/${own.id}/pages`)).map((p) => p.name);
    expect(names).toEqual(['e', 'd', 'c', 'b', 'a']);
    expect((await api.get(`/projects/nope/pages`)).status).toBe(404);
    expect((await api.get(`/projects/${own.id}/pages?cursor=garbage`)).status).toBe(400);
    expect((await api.get(`/projects/${own.id}/pages?limit=0`)).status).toBe(400);
  });

  it('rejects bad input with a message that says what to fix, and changes nothing', async () => {
    const page = await api.create<PageBody>(`/projects/${projectId}/pages`, {
      name: 'Stable',
      url: 'https://stable.example.com/',
    });
    const pages = () => api.listAll(`/projects/${projectId}/pages`, 200);
    const url = `/projects/${projectId}/pages`;
    const cases: [unknown, number, RegExp][] = [
      [{ name: 'x', url: 'ftp://example.com/' }, 400, /url: must be an absolute http\(s\) URL/],
      [{ name: 'x', url: 'not a url' }, 400, /url: must be an absolute http\(s\) URL/],
      [{ name: 'x' }, 400, /url/],
      [{ name: 42, url: 'https://a.test/' }, 400, /name: .*string/i],
      [
        { name: 'x', url: 'https://a.test/', colour: 'red' },
        400,
        /unknown field\(s\), remove: "colour"/,
      ],
      [{ name: 'x'.repeat(201), url: 'https://a.test/' }, 400, /name: must be at most 200/],
      [{ name: 'x', url: 'https://a.test/', waitMs: 60_001 }, 400, /waitMs: must be between 0/],
      [{ name: 'x', url: 'https://a.test/', waitMs: -1 }, 400, /waitMs/],
      [
        { name: 'x', url: 'https://a.test/', actions: [{ type: 'click' }] },
        400,
        /actions\.0\.selector: a click action needs a selector/,
      ],
      [
        { name: 'x', url: 'https://a.test/', actions: [{ type: 'fly', selector: 'a' }] },
        400,
        /actions\.0\.type/,
      ],
      [
        { name: 'x', url: 'https://a.test/', ignoreRegions: [{ x: 0, y: 0, width: 0, height: 1 }] },
        400,
        /ignoreRegions\.0\.width/,
      ],
      [{ name: 'x', url: 'https://a.test/', hideSelectors: [''] }, 400, /hideSelectors\.0/],
      [
        { name: 'x', url: 'https://a.test/', basicAuth: { username: 'u' } },
        400,
        /basicAuth\.password/,
      ],
      [{ name: 'Stable', url: 'https://a.test/' }, 409, /already has a page named 'Stable'/],
    ];
    for (const [payload, status, message] of cases) {
      await api.expectRejected(() => api.post(url, payload), status, message, pages);
    }
    await api.expectRejected(
      () => api.post(url, '{"name":'),
      400,
      /request body is not valid JSON/,
      pages,
    );
    await api.expectRejected(
      () => api.post('/projects/nope/pages', { name: 'x', url: 'https://a.test/' }),
      404,
      /project 'nope' does not exist/,
      pages,
    );
    const read = () => api.get(`/pages/${page.id}`);
    await api.expectRejected(
      () => api.patch(`/pages/${page.id}`, { url: 'javascript:alert(1)' }),
      400,
      /url/,
      read,
    );
    await api.expectRejected(
      () => api.patch(`/pages/${page.id}`, { name: 'Home page' }),
      409,
      /already has a page named/,
      read,
    );
    await api.expectRejected(
      () => api.patch(`/pages/${page.id}`, { id: 'other' }),
      400,
      /unknown field\(s\), remove: "id"/,
      read,
    );
    await api.expectRejected(() => api.patch('/pages/nope', { name: 'y' }), 404, /page 'nope'/);
    await api.expectRejected(() => api.delete('/pages/nope'), 404, /page 'nope' does not exist/);
  });
});
