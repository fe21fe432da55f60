import type { FastifyRequest } from 'fastify';
import type { Actor } from '../audit/audit.types.ts';

/**
 * The audit actor of a request: the authenticated user or token. With authentication off, a
 * client may label itself with the Scene-Actor header (`api:<label>`).
 */
export function actorOf(request: FastifyRequest, fallback: 'api' | 'ui' = 'api'): Actor {
  const principal = request.principal;
  if (principal && principal.kind !== 'anonymous') return principal.actor;
  const header = request.headers['scene-actor'];
  const name = typeof header === 'string' ? header.trim().slice(0, 100) : '';
  return name === '' ? fallback : `${fallback}:${name}`;
}
