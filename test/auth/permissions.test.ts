import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/auth/tokens.service.ts';
import { createUser, findUserRow, principalOfUser } from '../../src/auth/users.service.ts';
import { invariant } from '../../src/shared/errors.ts';
import { createTestApp, dialects, type TestApp } from '../support/test-app.ts';

// Every operation of the app's own OpenAPI document, walked with each kind of credential, on a
// real Scene with SCENE_AUTH=required on SQLite and Postgres.

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface Operation {
  method: Method;
  path: string;
}

const password = 'a long admin password 1';
const viewerPassword = 'a long viewer password 2';
const editorPassword = 'a long editor password 3';
const missing = 'doesnotexist0000';

/** Operations any signed-in user or token may do to itself. */
const selfService = new Set([
  'POST /api/v1/auth/logout',
  'POST /api/v1/tokens',
  'DELETE /api/v1/tokens/{id}',
]);
const isAdminOnly = (op: Operation): boolean =>
  op.path.startsWith('/api/v1/users') || op.path.includes('/members/');

describe.each(dialects)('permissions of every API operation on %s', (dialect) => {
  let t: TestApp;
  let operations: Operation[];
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};

  const call = async (
    op: Operation,
    token: string | undefined,
    overrides: Record<string, string> = {},
  ): Promise<{ status: number; body: string }> => {
    const url = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
      const segment = op.path.split('/')[3] ?? '';
      return overrides[name] ?? ids[`${segment}.${name}`] ?? missing;
    });
    const response = await t.server.inject({
      method: op.method,
      url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(op.method === 'GET' || op.method === 'DELETE' ? {} : { payload: {} }),
    });
    return { status: response.statusCode, body: response.body };
  };

  /** A token, or a session (cookie and CSRF token); default: the admin's token. */
  type Auth = string | { cookie: string; csrf: string };
  const sessions: Record<string, { cookie: string; csrf: string }> = {};
  const headersOf = (auth: Auth): Record<string, string> =>
    typeof auth === 'string'
      ? { authorization: `Bearer ${auth}` }
      : { cookie: auth.cookie, 'x-csrf-token': auth.csrf };
  const login = async (email: string, secret: string) => {
    const response = await t.server.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: secret },
    });
    expect(response.statusCode).toBe(200);
    const cookie = response.cookies.find((c) => c.name === 'scene_session');
    invariant(cookie, 'the login sets the session cookie');
    return {
      cookie: `scene_session=${cookie.value}`,
      csrf: response.json<{ csrfToken: string }>().csrfToken,
    };
  };
  const api = async <T>(
    method: Method,
    url: string,
    payload?: unknown,
    auth: Auth = tokens.admin ?? '',
  ) => {
    const response = await t.server.inject({
      method,
      url: `/api/v1${url}`,
      headers: headersOf(auth),
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    return { status: response.statusCode, json: () => response.json<T>() };
  };

  beforeAll(async () => {
    t = await createTestApp(dialect, { SCENE_AUTH: 'required' });
    const admin = await createUser(
      t.app,
      { email: 'admin@example.com', role: 'admin', password },
      'test',
    );
    const adminRow = await findUserRow(t.app.db, admin.id);
    invariant(adminRow, 'admin exists');
    const adminPrincipal = await principalOfUser(t.app.db, adminRow, 'user', 'test');
    tokens.admin = (
      await createToken(t.app, adminPrincipal, { name: 'admin', role: 'admin' })
    ).token;

    sessions.admin = await login('admin@example.com', password);
    for (const role of ['viewer', 'reviewer', 'editor'] as const) {
      const user = await api<{ id: string }>('POST', '/users', {
        email: `${role}@example.com`,
        role,
        ...(role === 'viewer' && { password: viewerPassword }),
        ...(role === 'editor' && { password: editorPassword }),
      });
      expect(user.status).toBe(201);
      ids[`users.${role}`] = user.json().id;
      const token = await api<{ token: string }>(
        'POST',
        '/tokens',
        { name: `${role} ci`, role, userId: user.json().id },
        sessions.admin,
      );
      expect(token.status).toBe(201);
      tokens[role] = token.json().token;
    }
    ids['users.id'] = ids['users.viewer'] ?? '';
    ids['users.userId'] = ids['users.viewer'] ?? '';

    for (const name of ['A', 'B']) {
      const project = (await api<{ id: string }>('POST', '/projects', { name })).json();
      const page = (
        await api<{ id: string }>('POST', `/projects/${project.id}/pages`, {
          name: 'home',
          url: 'https://shop.test/',
        })
      ).json();
      const task = (
        await api<{ id: string }>('POST', `/projects/${project.id}/tasks`, { name: 'login' })
      ).json();
      ids[`project${name}`] = project.id;
      ids[`page${name}`] = page.id;
      ids[`task${name}`] = task.id;
    }
    ids['projects.id'] = ids.projectA ?? '';
    ids['pages.id'] = ids.pageA ?? '';
    ids['tasks.id'] = ids.taskA ?? '';

    const document = await t.server.inject({
      url: '/api/v1/openapi.json',
      headers: { authorization: `Bearer ${tokens.admin}` },
    });
    const paths = document.json<{ paths: Record<string, Record<string, unknown>> }>().paths;
    operations = Object.entries(paths).flatMap(([p, methods]) =>
      Object.keys(methods).map((m) => ({ method: m.toUpperCase() as Method, path: p })),
    );
  }, 120_000);
  afterAll(() => t?.close());

  it('lists the API only: no HTML routes, bearer scheme, a requirement on each operation', async () => {
    const document = (
      await t.server.inject({
        url: '/api/v1/openapi.json',
        headers: { authorization: `Bearer ${tokens.admin}` },
      })
    ).json<{
      components: { securitySchemes: Record<string, { type: string; scheme?: string }> };
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    }>();
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(operations.length).toBeGreaterThan(40);
    for (const op of operations) {
      expect(op.path, 'only API routes are documented').toMatch(/^\/api\/v1\//);
      const security = document.paths[op.path]?.[op.method.toLowerCase()]?.security;
      if (op.path === '/api/v1/auth/login') expect(security).toEqual([]);
      else
        expect(security, `${op.method} ${op.path}`).toEqual([
          { bearerAuth: [] },
          { sessionCookie: [] },
        ]);
    }
  });

  it('answers 401 to every operation without credentials (but login)', async () => {
    for (const op of operations) {
      const { status, body } = await call(op, undefined);
      if (op.path === '/api/v1/auth/login') {
        expect(status, body).toBe(400);
        continue;
      }
      expect(status, `${op.method} ${op.path}: ${body}`).toBe(401);
      expect(JSON.parse(body)).toMatchObject({ error: { code: 'unauthorized' } });
    }
  });

  it('lets a viewer token read everything but users, and refuses every write with 403', async () => {
    for (const op of operations) {
      if (op.path === '/api/v1/auth/login') continue;
      const key = `${op.method} ${op.path}`;
      if (selfService.has(key)) continue;
      const { status, body } = await call(op, tokens.viewer);
      if (op.method === 'GET' && !isAdminOnly(op)) {
        expect([401, 403], `${key}: ${body}`).not.toContain(status);
      } else {
        expect(status, `${key}: ${body}`).toBe(403);
        expect((JSON.parse(body) as { error: { message: string } }).error.message).toMatch(
          /needs the '\w+' permission/,
        );
      }
    }
    // nothing changed
    expect((await api<{ name: string }>('GET', `/projects/${ids.projectA}`)).json().name).toBe('A');
  });

  it('lets a reviewer launch, cancel, retry and approve, but not edit pages', async () => {
    const reviewerMay = operations.filter((op) =>
      /\/(approve|cancel|retry|reject|revert|approve\/undo)$|^\/api\/v1\/batches\/\{id\}\/runs$/.test(
        op.path,
      ),
    );
    expect(reviewerMay.map((op) => op.path)).toEqual(
      expect.arrayContaining([
        '/api/v1/executions/{id}/approve',
        '/api/v1/executions/{id}/reject',
        '/api/v1/runs/{id}/approve/undo',
        '/api/v1/baseline-entries/{id}/revert',
      ]),
    );
    for (const op of reviewerMay) {
      const { status, body } = await call(op, tokens.reviewer);
      expect([401, 403], `${op.method} ${op.path}: ${body}`).not.toContain(status);
    }
    const edit = await api('PATCH', `/pages/${ids.pageA}`, { name: 'changed' }, tokens.reviewer);
    expect(edit.status).toBe(403);
    expect((await api('DELETE', `/pages/${ids.pageA}`, undefined, tokens.reviewer)).status).toBe(
      403,
    );
  });

  it('lets an editor edit but not manage users or memberships', async () => {
    expect(
      (await api('PATCH', `/pages/${ids.pageA}`, { name: 'home 2' }, tokens.editor)).status,
    ).toBe(200);
    for (const op of operations.filter(isAdminOnly)) {
      const { status, body } = await call(op, tokens.editor);
      expect(status, `${op.method} ${op.path}: ${body}`).toBe(403);
      expect((JSON.parse(body) as { error: { message: string } }).error.message).toContain(
        "'admin' permission",
      );
    }
    sessions.editor = await login('editor@example.com', editorPassword);
    const escalate = await api('POST', '/tokens', { name: 'up', role: 'admin' }, sessions.editor);
    expect(escalate.status).toBe(403);
    // a token does not mint tokens (a restricted one could mint an unrestricted one)
    expect(
      (await api('POST', '/tokens', { name: 'copy', role: 'editor' }, tokens.editor)).status,
    ).toBe(403);
  });

  it('answers 404 on project B to a token restricted to project A', async () => {
    const restricted = await api<{ token: string }>(
      'POST',
      '/tokens',
      { name: 'only A', role: 'editor', projectIds: [ids.projectA] },
      sessions.editor,
    );
    expect(restricted.status).toBe(201);
    const token = restricted.json().token;
    expect((await api('GET', `/projects/${ids.projectA}`, undefined, token)).status).toBe(200);
    expect((await api('GET', `/pages/${ids.pageA}`, undefined, token)).status).toBe(200);
    for (const [method, url] of [
      ['GET', `/projects/${ids.projectB}`],
      ['GET', `/projects/${ids.projectB}/pages`],
      ['GET', `/pages/${ids.pageB}`],
      ['PATCH', `/pages/${ids.pageB}`],
      ['DELETE', `/tasks/${ids.taskB}`],
      ['GET', `/runs?projectId=${ids.projectB}`],
    ] as const) {
      const answer = await api(method, url, method === 'PATCH' ? { name: 'x' } : undefined, token);
      expect(answer.status, `${method} ${url}`).toBe(404);
    }
    const listed = (
      await api<{ items: Array<{ id: string }> }>('GET', '/projects', undefined, token)
    ).json();
    expect(listed.items.map((p) => p.id)).toEqual([ids.projectA]);
    expect((await api('GET', `/pages/${ids.pageB}`)).status).toBe(200); // still there
  });

  it('narrows a user to the projects it is a member of, with the membership role', async () => {
    expect(
      (
        await api('PUT', `/projects/${ids.projectA}/members/${ids['users.editor']}`, {
          role: 'viewer',
        })
      ).status,
    ).toBe(200);
    expect((await api('GET', `/projects/${ids.projectB}`, undefined, tokens.editor)).status).toBe(
      404,
    );
    expect((await api('GET', `/projects/${ids.projectA}`, undefined, tokens.editor)).status).toBe(
      200,
    );
    expect((await api('PATCH', `/pages/${ids.pageA}`, { name: 'x' }, tokens.editor)).status).toBe(
      403,
    );
    expect(
      (await api('DELETE', `/projects/${ids.projectA}/members/${ids['users.editor']}`)).status,
    ).toBe(204);
    expect((await api('GET', `/projects/${ids.projectB}`, undefined, tokens.editor)).status).toBe(
      200,
    );
  });

  it('keeps an active admin, and deletes a user with its tokens', async () => {
    const adminId = (await api<{ userId: string }>('GET', '/me')).json().userId;
    const demote = await api('PATCH', `/users/${adminId}`, { role: 'viewer' });
    expect(demote.status).toBe(409);
    expect((await api('DELETE', `/users/${adminId}`)).status).toBe(409);
    const temp = (
      await api<{ id: string }>('POST', '/users', { email: 'temp@example.com', role: 'viewer' })
    ).json();
    const token = (
      await api<{ token: string }>(
        'POST',
        '/tokens',
        { name: 'temp', role: 'viewer', userId: temp.id },
        sessions.admin,
      )
    ).json().token;
    expect((await api('GET', '/projects', undefined, token)).status).toBe(200);
    expect((await api('PATCH', `/users/${temp.id}`, { active: false })).status).toBe(200);
    expect((await api('GET', '/projects', undefined, token)).status).toBe(401);
    expect((await api('DELETE', `/users/${temp.id}`)).status).toBe(204);
    expect((await api('GET', `/users/${temp.id}`)).status).toBe(404);
    expect((await api('POST', '/users', { email: 'bad', role: 'boss' })).status).toBe(400);
  });

  it('refuses expired and revoked tokens with 401, and records last use', async () => {
    const made = await api<{ id: string; token: string }>(
      'POST',
      '/tokens',
      { name: 'short', role: 'viewer', expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
      sessions.admin,
    );
    const { id, token } = made.json();
    expect((await api('GET', '/projects', undefined, token)).status).toBe(200);
    const listed = (
      await api<{ items: Array<{ id: string; lastUsedAt: string | null }> }>('GET', '/tokens')
    ).json();
    expect(listed.items.find((x) => x.id === id)?.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(token);
    // the clock moves past the expiry
    await t.app.db
      .updateTable('api_tokens')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', id)
      .execute();
    expect((await api('GET', '/projects', undefined, token)).status).toBe(401);

    const other = (
      await api<{ id: string; token: string }>(
        'POST',
        '/tokens',
        { name: 'revoke me', role: 'viewer' },
        sessions.admin,
      )
    ).json();
    expect((await api('GET', '/projects', undefined, other.token)).status).toBe(200);
    expect((await api('DELETE', `/tokens/${other.id}`)).status).toBe(204);
    expect((await api('GET', '/projects', undefined, other.token)).status).toBe(401);
    expect((await api('GET', '/projects', undefined, 'scene_forged')).status).toBe(401);
  });

  it('audits with the real actor and never stores a token or password in clear', async () => {
    const login = await t.server.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'viewer@example.com', password: viewerPassword },
    });
    expect(login.statusCode).toBe(200);
    const wrong = await t.server.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'viewer@example.com', password: 'not the password' },
    });
    expect(wrong.statusCode).toBe(401);
    const audit = (
      await api<{ items: Array<{ actor: string; action: string; entityType: string }> }>(
        'GET',
        '/audit?limit=200',
      )
    ).json().items;
    const seen = audit.map((e) => `${e.actor} ${e.action} ${e.entityType}`);
    expect(seen).toContain('token:admin (admin@example.com) create project');
    expect(seen).toContain('token:editor ci (editor@example.com) update page');
    expect(seen).toContain('user:viewer@example.com login user');
    expect(seen).toContain('user:viewer@example.com login_failed user');
    expect(seen).toContain('token:admin (admin@example.com) revoke token');
    expect(seen).toContain('token:admin (admin@example.com) create membership');
    const secrets = [
      ...Object.values(tokens),
      ...Object.values(sessions).map((x) => x.cookie.split('=')[1] ?? ''),
      password,
      viewerPassword,
      editorPassword,
    ];
    const everything = JSON.stringify(audit) + t.logs.join('');
    for (const secret of secrets) expect(everything).not.toContain(secret);

    // the database: the SQLite file or a Postgres dump
    let stored: string;
    if (t.app.config.database.dialect === 'sqlite') {
      const file = t.app.config.database.file;
      // the file and its write-ahead log: whatever is not checkpointed yet is there
      stored = [file, `${file}-wal`]
        .filter((f) => fs.existsSync(f))
        .map((f) => fs.readFileSync(f).toString('latin1'))
        .join('');
      expect(stored).toContain('admin@example.com');
    } else {
      stored = execFileSync('pg_dump', [t.app.config.database.url], {
        maxBuffer: 64 * 1024 * 1024,
      }).toString();
      expect(stored).toContain('admin@example.com');
    }
    for (const secret of secrets)
      expect(stored.includes(secret), 'secret in the database').toBe(false);
  });
});
