import { expect } from 'vitest';
import type { TestApp } from '../support/test-app.ts';

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  text: string;
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

/** A small JSON client over Fastify's inject, plus the checks every API test repeats. */
export function apiClient(t: TestApp) {
  async function call<T>(method: string, url: string, payload?: unknown): Promise<ApiResponse<T>> {
    const response = await t.server.inject({
      method: method as 'GET',
      url: `/api/v1${url}`,
      ...(payload !== undefined && {
        headers: { 'content-type': 'application/json' },
        payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      }),
    });
    const text = response.body;
    return { status: response.statusCode, body: (text ? JSON.parse(text) : null) as T, text };
  }
  const api = {
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
      const items: AuditItem[] = [];
      let cursor: string | null = null;
      do {
        const sep = query ? '&' : '';
        const page: ApiResponse<{ items: AuditItem[]; nextCursor: string | null }> = await call(
          'GET',
          `/audit?limit=200${sep}${query}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        items.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      return items;
    },

    /** Every item of a paginated list, following nextCursor with a small page size. */
    async listAll<T>(url: string, limit = 2): Promise<T[]> {
      const items: T[] = [];
      let cursor: string | null = null;
      do {
        const sep = url.includes('?') ? '&' : '?';
        const page: ApiResponse<{ items: T[]; nextCursor: string | null }> = await call(
          'GET',
          `${url}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(page.status, page.text).toBe(200);
        items.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      return items;
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

export type ApiClient = ReturnType<typeof apiClient>;
