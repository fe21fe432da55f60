import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dialects, type TestApp } from '../support/test-app.ts';

describe.each(dialects)('projects API on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t.close());

  const post = (url: string, payload: unknown) =>
    t.server.inject({ method: 'POST', url, payload: payload as object });

  it('creates, reads, lists, updates and deletes a project, auditing each change', async () => {
    const created = await post('/api/v1/projects', { name: 'Shop', description: 'storefront' });
    expect(created.statusCode).toBe(201);
    const project = created.json<{ id: string; name: string }>();
    expect(project).toMatchObject({ name: 'Shop', description: 'storefront' });

    const read = await t.server.inject({ url: `/api/v1/projects/${project.id}` });
    expect(read.json()).toEqual(created.json());

    const patched = await t.server.inject({
      method: 'PATCH',
      url: `/api/v1/projects/${project.id}`,
      payload: { name: 'Shop 2', description: null },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ name: 'Shop 2' });
    expect(patched.json()).not.toHaveProperty('description');

    const deleted = await t.server.inject({
      method: 'DELETE',
      url: `/api/v1/projects/${project.id}`,
    });
    expect(deleted.statusCode).toBe(204);
    expect((await t.server.inject({ url: `/api/v1/projects/${project.id}` })).statusCode).toBe(404);

    const audit = await t.server.inject({
      url: `/api/v1/audit?entityType=project&entityId=${project.id}`,
    });
    const entries = audit.json<{ items: { action: string; changes: Record<string, unknown> }[] }>()
      .items;
    expect(entries.map((e) => e.action)).toEqual(['delete', 'update', 'create']);
    expect(entries[1]?.changes).toEqual({
      name: { before: 'Shop', after: 'Shop 2' },
      description: { before: 'storefront', after: null },
    });
  });

  it('paginates with a cursor, newest first', async () => {
    for (const name of ['p1', 'p2', 'p3', 'p4', 'p5']) {
      expect((await post('/api/v1/projects', { name })).statusCode).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/projects?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await t.server.inject({ url })).json<{
        items: { name: string }[];
        nextCursor: string | null;
      }>();
      seen.push(...page.items.map((p) => p.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.filter((n) => n.startsWith('p'))).toEqual(['p5', 'p4', 'p3', 'p2', 'p1']);
  });

  it('rejects bad input with a message that says what to fix, and changes nothing', async () => {
    const before = (await t.server.inject({ url: '/api/v1/audit?limit=200' })).json<{
      items: unknown[];
    }>().items.length;
    const cases: [unknown, number, RegExp][] = [
      [{ name: '' }, 400, /name: must not be empty/],
      [{ name: 42 }, 400, /name/],
      [{ name: 'x', colour: 'red' }, 400, /colour/],
      [{ name: 'x'.repeat(201) }, 400, /at most 200/],
      [{ name: 'p1' }, 409, /already exists/],
    ];
    for (const [payload, status, message] of cases) {
      const response = await post('/api/v1/projects', payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
      expect(response.json<{ error: { message: string } }>().error.message).toMatch(message);
    }
    const badJson = await t.server.inject({
      method: 'POST',
      url: '/api/v1/projects',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json()).toMatchObject({
      error: { code: 'validation_failed', message: /not valid JSON/ },
    });
    expect((await t.server.inject({ url: '/api/v1/projects?cursor=garbage' })).statusCode).toBe(
      400,
    );
    expect(
      (
        await t.server.inject({
          method: 'PATCH',
          url: '/api/v1/projects/nope',
          payload: { name: 'z' },
        })
      ).statusCode,
    ).toBe(404);
    const after = (await t.server.inject({ url: '/api/v1/audit?limit=200' })).json<{
      items: unknown[];
    }>().items.length;
    expect(after).toBe(before);
  });
});
