import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/auth/tokens.service.ts';
import { createUser, findUserRow, principalOfUser } from '../../src/auth/users.service.ts';
import { registerMetricsRoute } from '../../src/http/metrics.routes.ts';
import { invariant } from '../../src/shared/errors.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

// `scene worker`'s /metrics (SCENE_WORKER_PORT) with authentication required: a token only.

describe('the worker metrics endpoint with authentication required', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite', { SCENE_AUTH: 'required' });
  });
  afterAll(() => t.close());

  it('answers 401 without a valid token and the metrics with one', async () => {
    const health = Fastify({ logger: false });
    registerMetricsRoute(health, t.app, { requireToken: true });
    const user = await createUser(t.app, { email: 'prom@example.com', role: 'viewer' }, 'test');
    const row = await findUserRow(t.app.db, user.id);
    invariant(row, 'user exists');
    const principal = await principalOfUser(t.app.db, row, 'user', 'test');
    const { token } = await createToken(t.app, principal, { name: 'scraper', role: 'viewer' });
    expect((await health.inject({ url: '/metrics' })).statusCode).toBe(401);
    const bad = await health.inject({
      url: '/metrics',
      headers: { authorization: 'Bearer scene_nope' },
    });
    expect(bad.statusCode).toBe(401);
    const ok = await health.inject({
      url: '/metrics',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('scene_');
    await health.close();
  });
});
