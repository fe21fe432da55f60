import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../app-context.ts';
import { takeFlash } from '../shared/toast.ts';
import type { PageContext } from './layout.tsx';

/** Per-request data every full page needs: the flash toast and the timestamp display. */
export function pageContextOf(
  request: FastifyRequest,
  reply: FastifyReply,
  _ctx: AppContext,
): Promise<PageContext> {
  return Promise.resolve({ flash: takeFlash(request, reply), timestampDisplay: 'utc' });
}
