import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { loginWithPassword } from '../../auth/login.service.ts';
import { loginSchema } from '../../auth/user.schema.ts';
import { getUser } from '../../auth/users.service.ts';
import { roleSchema } from '../../auth/roles.ts';
import { csrfTokenOf } from '../../auth/secrets.ts';
import { logout } from '../auth/logout.ts';
import { clearSessionCookie, setSessionCookie } from '../auth/session-cookie.ts';
import { errorBodySchema, type ApiApp } from './api-types.ts';

const meSchema = z.object({
  authMode: z.enum(['required', 'off']),
  kind: z.enum(['user', 'token', 'anonymous']),
  actor: z.string(),
  role: roleSchema,
  userId: z.string().nullable(),
  email: z.string().nullable(),
  /** Null: every project. */
  projects: z.array(z.object({ projectId: z.string(), role: roleSchema })).nullable(),
  /** For a session: the token state-changing requests must send as X-CSRF-Token. */
  csrfToken: z.string().nullable(),
});

export function registerAuthRoutes(app: ApiApp, ctx: AppContext): void {
  const tags = ['auth'];

  app.post('/auth/login', {
    schema: {
      tags,
      summary: 'Log in with email and password: sets the HTTP-only session cookie',
      body: loginSchema,
      response: {
        200: z.object({ userId: z.string(), email: z.string(), csrfToken: z.string() }),
        400: errorBodySchema,
        401: errorBodySchema.describe('Wrong email or password'),
        429: errorBodySchema.describe('Too many failed logins: retry after Retry-After seconds'),
      },
    },
    handler: async (request, reply) => {
      try {
        const result = await loginWithPassword(ctx, app.loginLimiter, request.body, request.ip);
        setSessionCookie(reply, ctx.config, result.session);
        return {
          userId: result.userId,
          email: result.email,
          csrfToken: csrfTokenOf(result.session.secret),
        };
      } catch (error) {
        const wait = (error as { details?: { retryAfterSeconds?: number } }).details
          ?.retryAfterSeconds;
        if (wait !== undefined) reply.header('retry-after', String(wait));
        throw error;
      }
    },
  });

  app.post('/auth/logout', {
    schema: {
      tags,
      summary: 'Log out: ends this session, or with {"everywhere": true} every session of the user',
      body: z.strictObject({ everywhere: z.boolean().optional() }).nullish(),
      response: { 204: z.null().describe('Logged out') },
    },
    handler: async (request, reply) => {
      await logout(request, ctx, request.body?.everywhere ?? false);
      clearSessionCookie(reply, ctx.config);
      return reply.status(204).send(null);
    },
  });

  app.get('/me', {
    schema: {
      tags,
      summary: 'Who the request acts as: user or token, role, visible projects',
      response: { 200: meSchema },
    },
    handler: async (request) => {
      const principal = request.principal;
      const user =
        principal && principal.kind !== 'anonymous'
          ? await getUser(ctx.db, principal.userId)
          : null;
      return {
        authMode: ctx.config.auth.mode,
        kind: principal?.kind ?? 'anonymous',
        actor: principal?.actor ?? 'api',
        role: principal?.role ?? 'admin',
        userId: user?.id ?? null,
        email: user?.email ?? null,
        projects: principal?.projects
          ? [...principal.projects].map(([projectId, role]) => ({ projectId, role }))
          : null,
        csrfToken: request.sessionSecret ? csrfTokenOf(request.sessionSecret) : null,
      };
    },
  });
}
