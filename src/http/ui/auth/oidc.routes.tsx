import type { AppContext } from '../../../app-context.ts';
import { finishOidcLogin, startOidcLogin, type OidcPending } from '../../../auth/oidc.service.ts';
import { AppError } from '../../../shared/errors.ts';
import { setSessionCookie } from '../../auth/session-cookie.ts';
import { EmptyState } from '../components/empty-state.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { Layout } from '../layout/layout.tsx';
import { sendPage } from '../shared/html-response.ts';
import type { UiApp } from '../shared/ui-types.ts';
import { safeNext } from './login-page.tsx';

const pendingCookie = 'scene_oidc';
const callbackPath = '/auth/oidc/callback';

/** `/auth/oidc/login` sends the browser to the issuer; `/auth/oidc/callback` comes back. */
export function registerOidcScreens(app: UiApp, ctx: AppContext): void {
  const settings = ctx.config.auth.oidc;
  if (!settings) return;
  const cookieOptions = {
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: ctx.config.publicUrl.startsWith('https:'),
    path: '/auth/oidc',
  };

  app.get('/auth/oidc/login', async (request, reply) => {
    const next = safeNext((request.query as { next?: unknown }).next);
    const { url, pending } = await startOidcLogin(
      settings,
      `${ctx.config.publicUrl}${callbackPath}`,
      next,
    );
    reply.setCookie(pendingCookie, Buffer.from(JSON.stringify(pending)).toString('base64url'), {
      ...cookieOptions,
      maxAge: 600,
    });
    return reply.redirect(url, 303);
  });

  app.get(callbackPath, async (request, reply) => {
    const raw = request.cookies[pendingCookie];
    reply.clearCookie(pendingCookie, cookieOptions);
    try {
      if (!raw)
        throw new AppError(
          'unauthorized',
          'single sign-on expired: start again from the login page',
        );
      const pending = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as OidcPending;
      const callbackUrl = new URL(request.url, ctx.config.publicUrl);
      const { session, next } = await finishOidcLogin(
        ctx,
        settings,
        callbackUrl,
        pending,
        request.ip,
      );
      setSessionCookie(reply, ctx.config, session);
      return await reply.redirect(safeNext(next), 303);
    } catch (error) {
      if (!(error instanceof AppError) && !(error instanceof SyntaxError)) throw error;
      const message = error instanceof AppError ? error.message : 'single sign-on failed';
      return sendPage(
        reply,
        <Layout title="Sign-in refused" page={{ timestampDisplay: 'utc' }}>
          <PageHeader title="Sign-in refused" />
          <EmptyState title={message}>
            <a class="button" href="/login">
              Back to the login page
            </a>
          </EmptyState>
        </Layout>,
        error instanceof AppError && error.code === 'forbidden' ? 403 : 401,
      );
    }
  });
}
