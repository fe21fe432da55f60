import type { AppContext } from '../../../app-context.ts';
import { loginWithPassword } from '../../../auth/login.service.ts';
import { AppError } from '../../../shared/errors.ts';
import { logout } from '../../auth/logout.ts';
import { clearSessionCookie, setSessionCookie } from '../../auth/session-cookie.ts';
import { formBodyOf, textField } from '../shared/form-data.ts';
import { sendPage } from '../shared/html-response.ts';
import type { UiApp } from '../shared/ui-types.ts';
import { LoginPage, safeNext } from './login-page.tsx';

/** The login page (public), its form, and logging out. */
export function registerLoginScreens(app: UiApp, ctx: AppContext): void {
  const sso = (): boolean => ctx.config.auth.oidc !== undefined;

  app.get('/login', async (request, reply) => {
    const next = safeNext((request.query as { next?: unknown }).next);
    if (ctx.config.auth.mode === 'off') return reply.redirect(next, 303);
    return sendPage(reply, <LoginPage next={next} sso={sso()} />);
  });

  app.post('/login', async (request, reply) => {
    const body = formBodyOf(request);
    const next = safeNext(textField(body, 'next'));
    const email = textField(body, 'email');
    try {
      const result = await loginWithPassword(
        ctx,
        app.loginLimiter,
        { email, password: textField(body, 'password') },
        request.ip,
      );
      setSessionCookie(reply, ctx.config, result.session);
      return await reply.redirect(next, 303);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const status = error.code === 'too_many_requests' ? 429 : 401;
      return sendPage(
        reply,
        <LoginPage next={next} error={error.message} email={email} sso={sso()} />,
        status,
      );
    }
  });

  app.post('/logout', async (request, reply) => {
    await logout(request, ctx, false);
    clearSessionCookie(reply, ctx.config);
    return reply.redirect('/login', 303);
  });
}
