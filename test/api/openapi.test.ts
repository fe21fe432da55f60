import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.ts';

interface Operation {
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  parameters?: { in: string; name: string }[];
}
type OpenApi = { paths: Record<string, Record<string, Operation>> };

// The operations of DESIGN.md section 5 this part of the API implements.
const operations: [string, string][] = [
  ['get', '/projects'],
  ['post', '/projects'],
  ['get', '/projects/{id}'],
  ['patch', '/projects/{id}'],
  ['delete', '/projects/{id}'],
  ...['pages', 'tasks', 'batches'].flatMap((r): [string, string][] => [
    ['get', `/projects/{id}/${r}`],
    ['post', `/projects/{id}/${r}`],
    ['get', `/${r}/{id}`],
    ['patch', `/${r}/{id}`],
    ['delete', `/${r}/{id}`],
  ]),
  ['get', '/settings'],
  ['patch', '/settings'],
  ['get', '/projects/{id}/settings'],
  ['patch', '/projects/{id}/settings'],
  ['get', '/audit'],
];

function jsonSchema(part: { content?: Record<string, { schema?: unknown }> } | undefined) {
  return part?.content?.['application/json']?.schema as Record<string, unknown> | undefined;
}

describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: OpenApi;
  beforeAll(async () => {
    t = await createTestApp('sqlite');
    const response = await t.server.inject({ url: '/api/v1/openapi.json' });
    expect(response.statusCode).toBe(200);
    doc = response.json<OpenApi>();
  });
  afterAll(() => t.close());

  it.each(operations)('documents %s %s with request and response schemas', (method, path) => {
    const operation = doc.paths[`/api/v1${path}`]?.[method];
    expect(operation, `${method} ${path}`).toBeDefined();
    if (!operation) return;
    if (method === 'post' || method === 'patch') {
      const body = jsonSchema(operation.requestBody);
      expect(body, 'request body schema').toMatchObject({ type: 'object' });
      expect(body?.additionalProperties, 'unknown fields are rejected').toBe(false);
      expect(Object.keys(operation.responses)).toContain('400');
    }
    const success = method === 'delete' ? '204' : method === 'post' ? '201' : '200';
    expect(Object.keys(operation.responses)).toContain(success);
    if (success !== '204') {
      expect(jsonSchema(operation.responses[success]), 'response schema').toMatchObject({
        type: 'object',
      });
    }
    if (path.includes('{id}')) {
      expect(operation.parameters?.some((p) => p.in === 'path' && p.name === 'id')).toBe(true);
      expect(Object.keys(operation.responses)).toContain('404');
    }
  });

  it('documents on every operation the 503 of an unreachable database and the 409 of a collided change', () => {
    const all = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        at: `${method} ${path}`,
        operation,
      })),
    );
    expect(all.length).toBeGreaterThan(50);
    for (const { at, operation } of all) {
      expect(Object.keys(operation.responses), at).toEqual(expect.arrayContaining(['409', '503']));
      expect(jsonSchema(operation.responses['503']), at).toMatchObject({
        type: 'object',
        required: ['error'],
      });
    }
  });

  it('documents the page password as write-only', () => {
    const operations = doc.paths['/api/v1/pages/{id}'];
    const response = jsonSchema(operations?.get?.responses['200']) as {
      properties: { basicAuth: { properties: Record<string, unknown> } };
    };
    expect(Object.keys(response.properties.basicAuth.properties).sort()).toEqual([
      'passwordSet',
      'username',
    ]);
    const request = jsonSchema(operations?.patch?.requestBody) as {
      properties: { basicAuth: unknown };
    };
    expect(JSON.stringify(request.properties.basicAuth)).toContain('password');
  });

  it('serves the browsable docs page', async () => {
    const response = await t.server.inject({ url: '/api/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
  });
});
