import { expect } from 'vitest';
import {
  SceneClient,
  type Execution,
  type FetchLike,
  type HttpMethod,
  type Run,
} from '../../src/client/scene-client.ts';
import type { SceneServer } from '../../src/http/server.ts';

// The test suite speaks to Scene through the same typed client as `scene run`
// (src/client/scene-client.ts): over HTTP for servers on a port, over Fastify's inject for
// in-process apps. What is here is only what tests add: assertions and polling.

export { SceneClient };

/** A response as API tests assert on it (the client's, without headers, which carry dates). */
export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  text: string;
}

/** A fetch that hands requests to Fastify's inject: no port needed. */
export function injectFetch(server: SceneServer): FetchLike {
  return async (url, init) => {
    const { pathname, search } = new URL(url);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, key) => (headers[key] = value));
    const response = await server.inject({
      method: (init.method ?? 'GET') as 'GET',
      url: pathname + search,
      headers,
      ...(typeof init.body === 'string' && { payload: init.body }),
    });
    const responseHeaders = new Headers();
    for (const [key, value] of Object.entries(response.headers)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) {
        responseHeaders.append(key, String(item));
      }
    }
    const empty = response.statusCode === 204 || response.statusCode === 304;
    return new Response(empty ? null : new Uint8Array(response.rawPayload), {
      status: response.statusCode,
      headers: responseHeaders,
    });
  };
}

/** The client over inject, for a Scene in this process. */
export function injectClient(server: SceneServer): SceneClient {
  return new SceneClient({ server: 'http://scene.test', fetch: injectFetch(server) });
}

const terminal = (run: Run) =>
  run.status === 'finished' || run.status === 'failed' || run.status === 'cancelled';

/** Polls until `done(run)`; gives up after `limitMs` (a hang guard, not a timing assertion). */
export async function pollRun(
  client: SceneClient,
  runId: string,
  done: (run: Run) => boolean = terminal,
  limitMs = 90_000,
): Promise<Run> {
  const giveUpAt = Date.now() + limitMs;
  for (;;) {
    const run = await client.getRun(runId);
    if (done(run)) return run;
    if (Date.now() > giveUpAt) {
      throw new Error(`run ${runId} did not get there: ${JSON.stringify(run)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function pollExecutions(
  client: SceneClient,
  runId: string,
  done: (executions: Execution[]) => boolean,
  limitMs = 60_000,
): Promise<Execution[]> {
  const giveUpAt = Date.now() + limitMs;
  for (;;) {
    const executions = await client.listExecutions(runId);
    if (done(executions)) return executions;
    if (Date.now() > giveUpAt) {
      throw new Error(`executions of ${runId} did not get there: ${JSON.stringify(executions)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export interface AuditItem {
  action: string;
  entityType: string;
  entityId: string;
  projectId: string | null;
  actor: string;
  changes: Record<string, { before: unknown; after: unknown }>;
}

/** The checks every API test repeats, on top of the client's raw `request`. */
export function apiChecks(client: SceneClient) {
  const call = async <T>(
    method: string,
    url: string,
    payload?: unknown,
  ): Promise<ApiResponse<T>> => {
    const { status, body, text } = await client.request<T>(method as HttpMethod, url, payload);
    return { status, body, text };
  };
  const api = {
    client,
    call,
    get: <T = Record<string, unknown>>(url: string) => call<T>('GET', url),
    post: <T = Record<string, unknown>>(url: string, body: unknown) => call<T>('POST', url, body),
    patch: <T = Record<string, unknown>>(url: string, body: unknown) => call<T>('PATCH', url, body),
    delete: (url: string) => call<null>('DELETE', url),

    /** POST that must succeed; returns the created resource. */
    async create<T = { id: string }>(url: string, body: unknown): Promise<T> {
      const response = await call<T>('POST', url, body);
      expect(response.status, response.text).toBe(201);
      return response.body;
    },

    async project(name: string): Promise<{ id: string }> {
      return api.create('/projects', { name });
    },

    async audit(query = ''): Promise<AuditItem[]> {
      return client.listAll<AuditItem>(`/audit${query ? `?${query}` : ''}`);
    },

    /** Every item of a paginated list, following nextCursor with a small page size. */
    async listAll<T>(url: string, limit = 2): Promise<T[]> {
      return client.listAll<T>(url, limit);
    },

    /**
     * Runs `attempt`, expects the documented error with a message matching `message`, and checks
     * that nothing changed: no audit entry was written and `state()` reads the same as before.
     */
    async expectRejected(
      attempt: () => Promise<ApiResponse<unknown>>,
      status: number,
      message: RegExp,
      state: () => Promise<unknown> = () => Promise.resolve(null),
    ): Promise<ErrorBody> {
      const auditBefore = (await api.audit()).length;
      const stateBefore = await state();
      const response = await attempt();
      expect(response.status, response.text).toBe(status);
      const body = response.body as ErrorBody;
      expect(body.error.message, response.text).toMatch(message);
      expect(typeof body.error.code).toBe('string');
      expect((await api.audit()).length).toBe(auditBefore);
      expect(await state()).toEqual(stateBefore);
      return body;
    },
  };
  return api;
}

export type ApiChecks = ReturnType<typeof apiChecks>;

export interface PageSpec {
  name: string;
  url: string;
  actions?: { type: string; selector?: string; value?: string; ms?: number }[];
  ignoreRegions?: { x: number; y: number; width: number; height: number }[];
  maskSelectors?: string[];
  capture?: { scope: 'fullPage' | 'viewport' | 'elements'; selectors?: string[] };
}

export interface BatchSpec {
  pages: PageSpec[];
  tasks?: { name: string; actions?: { type: string; selector?: string }[] }[];
  browsers?: string[];
  viewports?: string[];
  executionDiffThreshold?: number;
  jiraIssue?: string;
}

/** A project with pages, tasks and one batch over all of them. */
export async function createBatch(
  client: SceneClient,
  spec: BatchSpec,
): Promise<{ projectId: string; batchId: string; pageIds: string[]; taskIds: string[] }> {
  const project = await client.ok<{ id: string }>('POST', '/projects', {
    name: `project-${Math.random().toString(36).slice(2, 10)}`,
  });
  const pageIds: string[] = [];
  for (const page of spec.pages) {
    pageIds.push(
      (await client.ok<{ id: string }>('POST', `/projects/${project.id}/pages`, page)).id,
    );
  }
  const taskIds: string[] = [];
  for (const task of spec.tasks ?? []) {
    taskIds.push(
      (await client.ok<{ id: string }>('POST', `/projects/${project.id}/tasks`, task)).id,
    );
  }
  const batch = await client.ok<{ id: string }>('POST', `/projects/${project.id}/batches`, {
    name: 'batch',
    pageIds,
    taskIds,
    browsers: spec.browsers ?? ['chromium'],
    viewports: spec.viewports ?? ['desktop'],
    ...(spec.executionDiffThreshold !== undefined && {
      executionDiffThreshold: spec.executionDiffThreshold,
    }),
    ...(spec.jiraIssue !== undefined && { jiraIssue: spec.jiraIssue }),
  });
  return { projectId: project.id, batchId: batch.id, pageIds, taskIds };
}
