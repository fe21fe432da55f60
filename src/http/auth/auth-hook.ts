import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.ts';
import { LoginLimiter } from '../../auth/login-limiter.ts';
import { anonymousAdmin, roleOnProject, type Principal } from '../../auth/principal.ts';
import { projectOfRow } from '../../auth/project-of.ts';
import { roleGrants, rolesWith, type Permission, type Role } from '../../auth/roles.ts';
import { csrfTokenOf, sameSecret } from '../../auth/secrets.ts';
import { principalOfSession } from '../../auth/sessions.service.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import { actorOf } from '../actor.ts';
import { principalOfBearer } from './bearer.ts';
import { permissionOfRoute, projectScopeOfRoute } from './route-permissions.ts';

// The one place requests are authenticated and authorised. Every route gets a permission when
// it is registered (onRoute: declared, or from route-permissions.ts); every request is checked
// against it (onRequest) before anything else runs.

export const sessionCookieName = 'scene_session';
export const csrfHeaderName = 'x-csrf-token';
export const csrfFieldName = '_csrf';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request acts as; set by the auth hook before any handler runs. */
    principal: Principal | null;
    /** The session cookie's secret when the request is authenticated by a session. */
    sessionSecret: string | null;
  }
  interface FastifyInstance {
    loginLimiter: LoginLimiter;
  }
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function registerAuth(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(fastifyCookie);
  app.decorateRequest('principal', null);
  app.decorateRequest('sessionSecret', null);
  app.decorate('loginLimiter', new LoginLimiter(ctx.config.auth.loginWindowSeconds * 1000));

  app.addHook('onRoute', (route) => {
    const method = Array.isArray(route.method) ? String(route.method[0]) : String(route.method);
    const permission = route.config?.permission ?? permissionOfRoute(method, route.url);
    route.config = { ...route.config, permission };
    if (!route.url.startsWith('/api/v1/')) {
      // HTML pages, health and metrics are not part of the REST API's document.
      route.schema = { ...route.schema, hide: true };
      return;
    }
    if (route.schema?.hide) return;
    const roles = rolesWith(permission).join(', ');
    const needs =
      permission === 'public'
        ? 'No credentials needed.'
        : permission === 'authenticated'
          ? 'Needs a session or an API token (any role).'
          : `Needs the \`${permission}\` permission (roles: ${roles}).`;
    route.schema = {
      ...route.schema,
      description: [route.schema?.description, needs].filter(Boolean).join('\n\n'),
      security: permission === 'public' ? [] : [{ bearerAuth: [] }, { sessionCookie: [] }],
      'x-scene-permission': permission,
    } as NonNullable<typeof route.schema>;
  });

  app.addHook('onRequest', async (request, reply) => {
    refuseCrossSite(request, ctx);
    if (ctx.config.auth.mode === 'off') {
      request.principal = anonymousAdmin(
        actorOf(request, request.url.startsWith('/api/') ? 'api' : 'ui'),
      );
      return;
    }
    // No route (404): the not-found handler answers; it reveals nothing.
    if (request.routeOptions.url === undefined) return;
    const permission = request.routeOptions.config.permission ?? 'edit';
    request.principal = (await authenticate(request, ctx)) ?? null;
    if (permission === 'public') return;
    const principal = request.principal;
    if (!principal) {
      if (isPageNavigation(request)) {
        return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
      }
      if (request.headers['hx-request'] === 'true') reply.header('hx-redirect', '/login');
      reply.header('www-authenticate', 'Bearer realm="scene"');
      throw new AppError(
        'unauthorized',
        'authentication required: log in, or send an API token as Authorization: Bearer scene_…',
      );
    }
    const role = await roleForRequest(request, principal, ctx);
    if (!grants(principal, role, permission)) {
      throw new AppError(
        'forbidden',
        `this needs the '${permission}' permission (${rolesWith(permission).join(', ') || 'an API token'}); ${principal.actor} has the role ${role}`,
        { permission, role },
      );
    }
  });

  // After the body is parsed: a session-authenticated change must carry the session's CSRF
  // token (htmx and fetch send it as X-CSRF-Token; forms as the _csrf field).
  app.addHook('preValidation', (request, _reply, done) => {
    const body = request.body as Record<string, unknown> | null | undefined;
    const field = body && typeof body === 'object' ? body[csrfFieldName] : undefined;
    if (body && typeof body === 'object' && csrfFieldName in body) delete body[csrfFieldName];
    if (!request.sessionSecret || !unsafeMethods.has(request.method)) return done();
    const header = request.headers[csrfHeaderName];
    const sent = typeof header === 'string' ? header : typeof field === 'string' ? field : '';
    if (!sameSecret(sent, csrfTokenOf(request.sessionSecret))) {
      return done(
        new AppError('forbidden', 'missing or wrong CSRF token: reload the page and try again'),
      );
    }
    done();
  });

  // Behind authentication nothing may sit in a shared cache (artifacts say `public`).
  if (ctx.config.auth.mode === 'required') {
    app.addHook('onSend', (_request, reply, payload, done) => {
      const cacheControl = reply.getHeader('cache-control');
      if (typeof cacheControl === 'string' && cacheControl.includes('public')) {
        reply.header('cache-control', cacheControl.replace('public', 'private'));
      }
      done(null, payload);
    });
  }
}

function grants(principal: Principal, role: Role, permission: Permission): boolean {
  if (permission === 'metrics') return principal.kind === 'token' || role === 'admin';
  return roleGrants(role, permission);
}

function isPageNavigation(request: FastifyRequest): boolean {
  return (
    request.method === 'GET' &&
    !request.url.startsWith('/api/') &&
    request.headers['hx-request'] !== 'true' &&
    (request.headers.accept ?? '').includes('text/html')
  );
}

/** A bearer token, else the session cookie; undefined when neither is valid. */
async function authenticate(
  request: FastifyRequest,
  ctx: AppContext,
): Promise<Principal | undefined> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) return principalOfBearer(ctx.db, authorization);
  const secret = request.cookies[sessionCookieName];
  if (!secret) return undefined;
  const principal = await principalOfSession(ctx, secret);
  if (principal) request.sessionSecret = secret;
  return principal;
}

/**
 * The role that applies to this request: the global one, or for a principal limited to some
 * projects, its role in the project the request touches (404 for any other project).
 */
async function roleForRequest(
  request: FastifyRequest,
  principal: Principal,
  ctx: AppContext,
): Promise<Role> {
  if (principal.projects === null) return principal.role;
  const scope = projectScopeOfRoute(request.routeOptions.url ?? '');
  const params = request.params as Record<string, string | undefined>;
  const query = request.query as Record<string, string | undefined>;
  switch (scope.kind) {
    case 'global':
      return principal.role;
    case 'query': {
      const projectId = query.projectId;
      if (projectId === undefined) {
        throw new AppError(
          'forbidden',
          'these credentials are limited to some projects: pass projectId',
        );
      }
      return roleIn(principal, projectId);
    }
    case 'visible': {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        throw new AppError(
          'forbidden',
          'these credentials are limited to some projects and this route is not tied to one',
        );
      }
      const projectId = query.projectId;
      return projectId === undefined || projectId === ''
        ? principal.role
        : roleIn(principal, projectId);
    }
    case 'project':
      return roleIn(principal, params.id ?? '');
    case 'owned': {
      const id = scope.table === 'artifacts' ? params['*'] : params.id;
      const projectId = id === undefined ? undefined : await projectOfRow(ctx.db, scope.table, id);
      // An unknown id: the route answers its own 404.
      return projectId === undefined ? principal.role : roleIn(principal, projectId);
    }
    case 'unknown':
      throw new AppError(
        'forbidden',
        'these credentials are limited to some projects and this route is not tied to one',
      );
  }
}

function roleIn(principal: Principal, projectId: string): Role {
  const role = roleOnProject(principal, projectId);
  if (role === undefined) throw notFound('project', projectId);
  return role;
}

/**
 * Browsers say where a request comes from: a state-changing request from another site (a form
 * on a page the user visits) is refused, whatever cookies it carries and even with auth off.
 */
function refuseCrossSite(request: FastifyRequest, ctx: AppContext): void {
  if (!unsafeMethods.has(request.method)) return;
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw new AppError('forbidden', `cross-site request refused (Sec-Fetch-Site: ${site})`);
  }
  const origin = request.headers.origin;
  if (origin === undefined) return;
  const own = new Set([new URL(ctx.config.publicUrl).origin]);
  if (request.headers.host) own.add(`${request.protocol}://${request.headers.host}`);
  if (!own.has(origin)) {
    throw new AppError('forbidden', `cross-origin request refused (Origin: ${origin})`);
  }
}
