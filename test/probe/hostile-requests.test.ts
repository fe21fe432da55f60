import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dialects, type TestApp } from '../support/test-app.ts';

/**
 * Requests no client sends on purpose: bodies nested thousands of levels deep, URLs Fastify's
 * router refuses before any route runs. Each gets the documented error body with a 4xx and
 * the server goes on answering; none is a 500.
 */
describe.each(dialects)('hostile requests on %s', (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(dialect, { SCENE_EMBEDDED_WORKER: 'false' });
  });
  afterAll(() => t.close());

  const send = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: string) => {
    const response = await t.server.inject({
      method,
      url,
      ...(payload !== undefined && { payload, headers: { 'content-type': 'application/json' } }),
    });
    return {
      status: response.statusCode,
      body: response.json<{ error: { code: string; message: string } }>(),
    };
  };
  const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

  it('refuses a body nested too deeply with a 400 that says so, wherever the nesting is', async () => {
    for (const body of [
      nested(20_000),
      `{"name":"deep","description":${nested(20_000)}}`,
      `{"name":"deep","x":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`,
    ]) {
      const response = await send('POST', '/api/v1/projects', body);
      expect(response.status, JSON.stringify(response.body)).toBe(400);
      expect(response.body.error.code).toBe('validation_failed');
      expect(response.body.error.message).toMatch(/nested too deeply/);
    }
    // A sane body is still taken, and nothing was created by the refused ones.
    expect((await send('POST', '/api/v1/projects', '{"name":"shallow"}')).status).toBe(201);
    const projects = await t.server.inject({ method: 'GET', url: '/api/v1/projects' });
    expect(projects.json<{ items: { name: string }[] }>().items.map((p) => p.name)).toEqual([
      'shallow',
    ]);
  });

  it('answers URLs the router refuses with the documented error body', async () => {
    const tooLong = await send('GET', `/api/v1/projects/${'x'.repeat(5000)}`);
    expect(tooLong.status).toBe(414);
    expect(tooLong.body.error.code).toBe('validation_failed');
    expect(tooLong.body.error.message).toMatch(/too long/);
    const badEncoding = await send('GET', '/api/v1/projects/%E0%A4%A');
    expect(badEncoding.status).toBe(400);
    expect(badEncoding.body.error.code).toBe('validation_failed');
    expect(badEncoding.body.error.message).toMatch(/not a valid URL/);
  });
});
