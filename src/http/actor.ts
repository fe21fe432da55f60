import type { FastifyRequest } from 'fastify';
import type { Actor } from '../audit/audit.types.ts';

/** The audit actor of a request: a client may name itself with the Scene-Actor header. */
export function actorOf(request: FastifyRequest, fallback: 'api' | 'ui' = 'api'): Actor {
  const header = request.headers['scene-actor'];
  const name = typeof header === 'string' ? header.trim().slice(0, 100) : '';
  return name === '' ? fallback : `${fallback}:${name}`;
}
