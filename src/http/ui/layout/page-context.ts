import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../app-context.ts';
import { csrfTokenOf } from '../../../auth/secrets.ts';
import { getEffectiveSettings } from '../../../settings/settings.service.ts';
import { takeFlash } from '../shared/toast.ts';
import type { PageContext } from './layout.tsx';

/**
 * Per-request data every full page needs: the flash toast, the timestamp display (the
 * project's setting on a project's screens, else the global one) and the signed-in user.
 */
export async function pageContextOf(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: AppContext,
  projectId?: string,
): Promise<PageContext> {
  const settings = await getEffectiveSettings(ctx.db, projectId);
  const principal = request.principal;
  const user =
    principal && principal.kind !== 'anonymous' && request.sessionSecret
      ? {
          label: principal.email,
          csrfToken: csrfTokenOf(request.sessionSecret),
          admin: principal.role === 'admin',
        }
      : undefined;
  return { flash: takeFlash(request, reply), timestampDisplay: settings.timestampDisplay, user };
}
