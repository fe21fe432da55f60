import type { FastifyReply } from 'fastify';
import type { Config } from '../../config/config.ts';
import { sessionCookieName } from './auth-hook.ts';

/** HTTP-only, SameSite=Lax, Secure when Scene is served over https. */
export function setSessionCookie(
  reply: FastifyReply,
  config: Config,
  session: { secret: string; maxAgeSeconds: number },
): void {
  reply.setCookie(sessionCookieName, session.secret, {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.publicUrl.startsWith('https:'),
    path: '/',
    maxAge: session.maxAgeSeconds,
  });
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(sessionCookieName, {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.publicUrl.startsWith('https:'),
    path: '/',
  });
}
