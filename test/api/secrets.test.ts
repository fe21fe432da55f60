import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dialects, type TestApp } from '../support/test-app.ts';
import { apiChecks, injectClient, type ApiResponse } from '../support/scene-client.ts';

// Distinctive enough that finding it anywhere means it leaked.
const password = 'Pw-7f3a91-zebra-LEAK';
const secondPassword = 'Pw-second-4c2d-LEAK';

describe.each(dialects)('page passwords stay secret on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t.close());

  it('never appear in any response, log line or audit entry', async () => {
    const api = apiChecks(injectClient(t.server));
    const responses: ApiResponse<unknown>[] = [];
    const track = async <T>(response: Promise<ApiResponse<T>>) => {
      const r = await response;
      responses.push(r);
      return r;
    };
    const project = await api.project('Secret project');
    const pagesUrl = `/projects/${project.id}/pages`;
    const created = await track(
      api.post<{ id: string; basicAuth: unknown }>(pagesUrl, {
        name: 'Private',
        url: 'https://intranet.test/',
        basicAuth: { username: 'alice', password },
      }),
    );
    expect(created.status).toBe(201);
    expect(created.body.basicAuth).toEqual({ username: 'alice', passwordSet: true });
    const id = created.body.id;

    await track(api.patch(`/pages/${id}`, { basicAuth: { username: 'bob' } }));
    await track(
      api.patch(`/pages/${id}`, { basicAuth: { username: 'bob', password: secondPassword } }),
    );
    await track(api.get(`/pages/${id}`));
    await track(api.get(pagesUrl));
    // Rejected requests that carry a password must not echo it either.
    const rejected = [
      await track(
        api.post(pagesUrl, { name: 'Bad', url: 'nope', basicAuth: { username: 'a', password } }),
      ),
      await track(
        api.post(pagesUrl, {
          name: 'Bad',
          url: 'https://a.test/',
          basicAuth: { username: 'a', password: 7 },
        }),
      ),
      await track(
        api.post(pagesUrl, {
          name: 'Bad',
          url: 'https://a.test/',
          basicAuth: { username: 'a', password: password.repeat(100) },
        }),
      ),
      await track(
        api.post(pagesUrl, {
          name: 'Private',
          url: 'https://a.test/',
          basicAuth: { username: 'a', password },
        }),
      ),
      await track(
        api.patch(`/pages/${id}`, { basicAuth: { username: 'a', password, extra: password } }),
      ),
      await track(api.post(pagesUrl, `{"name":"x","basicAuth":{"password":"${password}"`)),
    ];
    expect(rejected.map((r) => r.status)).toEqual([400, 400, 400, 409, 400, 400]);
    await track(api.delete(`/pages/${id}`));
    const audit = await track(api.get(`/audit?projectId=${project.id}`));
    expect(audit.status).toBe(200);
    expect(audit.text).toContain('[redacted]');

    const everything = [...responses.map((r) => r.text), ...t.logs].join('\n');
    expect(t.logs.length).toBeGreaterThan(0);
    for (const secret of [password, secondPassword]) {
      expect(everything).not.toContain(secret);
      expect(everything).not.toContain(secret.slice(0, 12));
    }
    // The capture path does get it: that is what it is stored for.
    const { findPagesForCapture } = await import('../../src/pages/pages.repository.ts');
    const other = await api.create<{ id: string }>(pagesUrl, {
      name: 'Capture',
      url: 'https://intranet.test/',
      basicAuth: { username: 'carol', password },
    });
    const [page] = await findPagesForCapture(t.app.db, [other.id]);
    expect(page?.basicAuth).toEqual({ username: 'carol', password });
  });
});

describe.each(dialects)('credentials written into URLs on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(() => t.close());

  it('are refused in page and webhook URLs, pointing to basicAuth, and stored nowhere', async () => {
    const api = apiChecks(injectClient(t.server));
    const project = await api.project('URL credentials');
    const pagesUrl = `/projects/${project.id}/pages`;
    const page = await api.create<{ id: string }>(pagesUrl, {
      name: 'Home',
      url: 'https://intranet.test/',
    });
    const hook = await api.create<{ id: string }>(`/projects/${project.id}/webhooks`, {
      url: 'https://hooks.test/scene',
    });
    const withPassword = `https://alice:${password}@intranet.test/`;
    const pageAttempts = [
      await api.post(pagesUrl, { name: 'A', url: withPassword }),
      await api.post(pagesUrl, { name: 'B', url: 'https://a.test/', referenceUrl: withPassword }),
      await api.post(pagesUrl, { name: 'C', url: `https://${password}@intranet.test/` }),
      await api.patch(`/pages/${page.id}`, { url: withPassword }),
      await api.patch(`/pages/${page.id}`, { referenceUrl: withPassword }),
    ];
    for (const response of pageAttempts) {
      expect(response.status, response.text).toBe(400);
      expect(response.text).toMatch(/must not contain credentials.*basicAuth/);
      expect(response.text).not.toContain(password);
    }
    const hookAttempts = [
      await api.post(`/projects/${project.id}/webhooks`, { url: withPassword }),
      await api.patch(`/webhooks/${hook.id}`, { url: withPassword }),
    ];
    for (const response of hookAttempts) {
      expect(response.status, response.text).toBe(400);
      expect(response.text).toContain('must not contain credentials');
      expect(response.text).not.toContain(password);
    }
    const stored = [
      await api.get(pagesUrl),
      await api.get(`/projects/${project.id}/webhooks`),
      await api.get(`/audit?projectId=${project.id}`),
    ];
    expect(stored.map((r) => r.text).join('\n')).not.toContain(password);
    expect(t.logs.join('\n')).not.toContain(password);
  });
});
