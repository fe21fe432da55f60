import type { AppContext } from '../app-context.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { AppError } from '../shared/errors.ts';
import type { LoginLimiter } from './login-limiter.ts';
import { verifyPassword } from './secrets.ts';
import { createSession } from './sessions.service.ts';
import { findUserRowByEmail, normalizeEmail } from './users.service.ts';

export interface LoginResult {
  userId: string;
  email: string;
  session: { id: string; secret: string; maxAgeSeconds: number };
}

/**
 * Checks an email and password (rate-limited per account and address) and opens a session.
 * Logins and failed logins are audited; the password never is.
 */
export async function loginWithPassword(
  ctx: Pick<AppContext, 'db' | 'config' | 'logger'>,
  limiter: LoginLimiter,
  credentials: { email: string; password: string },
  address: string,
): Promise<LoginResult> {
  const email = normalizeEmail(credentials.email);
  const wait = limiter.retryAfterSeconds(email, address);
  if (wait > 0) {
    throw new AppError('too_many_requests', `too many failed logins: try again in ${wait} s`, {
      retryAfterSeconds: wait,
    });
  }
  const user = await findUserRowByEmail(ctx.db, email);
  const valid = await verifyPassword(user?.password_hash ?? null, credentials.password);
  if (!user || !valid || !user.active) {
    limiter.recordFailure(email, address);
    ctx.logger.warn({ email, address }, 'failed login');
    if (user) {
      await recordAudit(ctx.db, {
        actor: `user:${user.email}`,
        action: 'login_failed',
        entityType: 'user',
        entityId: user.id,
        projectId: null,
        before: null,
        after: { address, reason: valid ? 'inactive' : 'wrong password' },
      });
    }
    throw new AppError('unauthorized', 'wrong email or password');
  }
  const session = await createSession(ctx, user.id);
  await recordAudit(ctx.db, {
    actor: `user:${user.email}`,
    action: 'login',
    entityType: 'user',
    entityId: user.id,
    projectId: null,
    before: null,
    after: { address, method: 'password' },
  });
  return { userId: user.id, email: user.email, session };
}
