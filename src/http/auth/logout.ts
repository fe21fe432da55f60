import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.ts';
import { recordAudit } from '../../audit/audit.service.ts';
import { deleteSession, deleteSessionsOfUser } from '../../auth/sessions.service.ts';

/** Ends the request's session (or, everywhere, every session of its user); audited. */
export async function logout(
  request: FastifyRequest,
  ctx: AppContext,
  everywhere: boolean,
): Promise<void> {
  const principal = request.principal;
  if (!principal || principal.kind === 'anonymous') return;
  if (everywhere) await deleteSessionsOfUser(ctx.db, principal.userId);
  else if (principal.kind === 'user') await deleteSession(ctx.db, principal.credentialId);
  await recordAudit(ctx.db, {
    actor: principal.actor,
    action: 'logout',
    entityType: 'user',
    entityId: principal.userId,
    projectId: null,
    before: null,
    after: { everywhere },
  });
}
