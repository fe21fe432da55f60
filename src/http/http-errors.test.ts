import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { toErrorResponse } from './http-errors.ts';

// Errors as node-postgres raises them (a DatabaseError carries the SQLSTATE in `code`).
function pgError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, severity: 'ERROR' });
}

const logged: string[] = [];
const request = {
  log: {
    error: (_: unknown, m: string) => logged.push(m),
    warn: (_: unknown, m: string) => logged.push(m),
  },
} as unknown as FastifyRequest;

describe('toErrorResponse for database failures', () => {
  it('answers a deadlock or serialization failure with 409 conflict: send again, nothing changed', () => {
    for (const code of ['40P01', '40001']) {
      const { status, body } = toErrorResponse(pgError(code, 'deadlock detected'), request);
      expect(status).toBe(409);
      expect(body.error.code).toBe('conflict');
      expect(body.error.message).toMatch(/send the request again/);
    }
    expect(logged).toContain('transaction aborted by a concurrent one');
  });

  it('answers an unreachable database with 503 unavailable', () => {
    const { status, body } = toErrorResponse(
      pgError('ECONNREFUSED', 'connect ECONNREFUSED'),
      request,
    );
    expect(status).toBe(503);
    expect(body.error.code).toBe('unavailable');
  });

  it('keeps other errors a 500 without internals', () => {
    const { status, body } = toErrorResponse(
      pgError('42P01', 'relation "x" does not exist'),
      request,
    );
    expect(status).toBe(500);
    expect(body.error.message).not.toContain('relation');
  });
});
