import * as oidc from 'openid-client';
import type { AppContext } from '../app-context.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { OidcConfig } from '../config/config.ts';
import { AppError } from '../shared/errors.ts';
import { rank, type Role } from './roles.ts';
import { createSession } from './sessions.service.ts';
import { createUser, findUserRowByEmail, normalizeEmail, updateUser } from './users.service.ts';

// Single sign-on through OpenID Connect (authorization code with PKCE, openid-client).

let discovered: { issuer: string; config: oidc.Configuration } | undefined;

async function configurationOf(settings: OidcConfig): Promise<oidc.Configuration> {
  if (discovered?.issuer === settings.issuer) return discovered.config;
  const config = await oidc.discovery(
    new URL(settings.issuer),
    settings.clientId,
    settings.clientSecret,
    undefined,
    // a plain-http issuer is only for local providers (tests, development)
    settings.issuer.startsWith('http:') ? { execute: [oidc.allowInsecureRequests] } : undefined,
  );
  discovered = { issuer: settings.issuer, config };
  return config;
}

/** What the browser keeps (in an HTTP-only cookie) between the redirect and the callback. */
export interface OidcPending {
  state: string;
  nonce: string;
  verifier: string;
  next: string;
}

export async function startOidcLogin(
  settings: OidcConfig,
  redirectUri: string,
  next: string,
): Promise<{ url: string; pending: OidcPending }> {
  const config = await configurationOf(settings);
  const verifier = oidc.randomPKCECodeVerifier();
  const pending: OidcPending = {
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    verifier,
    next,
  };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope:
      Object.keys(settings.groupRoles).length > 0
        ? 'openid email profile groups'
        : 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state: pending.state,
    nonce: pending.nonce,
  });
  return { url: url.href, pending };
}

/** The strongest role the user's groups map to, else undefined. */
export function roleFromGroups(settings: OidcConfig, groups: unknown): Role | undefined {
  if (!Array.isArray(groups)) return undefined;
  let best: Role | undefined;
  for (const group of groups) {
    const role = settings.groupRoles[String(group)];
    if (role && (best === undefined || rank(role) > rank(best))) best = role;
  }
  return best;
}

/**
 * Completes the login at the callback: checks the code (state, nonce, PKCE), the email and
 * its domain, creates the user at the first login (role from the groups, else the default),
 * and opens a session. Refusals are AppErrors with a message for the page.
 */
export async function finishOidcLogin(
  ctx: Pick<AppContext, 'db' | 'config' | 'logger'>,
  settings: OidcConfig,
  callbackUrl: URL,
  pending: OidcPending,
  address: string,
): Promise<{ session: { id: string; secret: string; maxAgeSeconds: number }; next: string }> {
  const config = await configurationOf(settings);
  let claims: oidc.IDToken | undefined;
  try {
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: pending.verifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
    });
    claims = tokens.claims();
  } catch (error) {
    ctx.logger.warn({ err: error }, 'single sign-on: the identity provider’s answer was refused');
    throw new AppError('unauthorized', 'single sign-on failed: start again from the login page');
  }
  const email = typeof claims?.email === 'string' ? normalizeEmail(claims.email) : '';
  if (email === '' || claims?.email_verified === false) {
    throw new AppError('forbidden', 'the identity provider gave no verified email address');
  }
  const domain = email.split('@')[1] ?? '';
  if (settings.allowedDomains.length > 0 && !settings.allowedDomains.includes(domain)) {
    ctx.logger.warn({ email, address }, 'single sign-on refused: email domain not allowed');
    throw new AppError(
      'forbidden',
      `${email} may not sign in to Scene: only addresses at ${settings.allowedDomains.join(', ')} are allowed`,
    );
  }
  const mapped = roleFromGroups(settings, claims?.groups);
  const actor = `user:${email}`;
  let user = await findUserRowByEmail(ctx.db, email);
  if (!user) {
    const created = await createUser(
      ctx,
      {
        email,
        role: mapped ?? settings.defaultRole,
        ...(typeof claims?.name === 'string' && { displayName: claims.name.slice(0, 200) }),
        oidcSubject: String(claims?.sub ?? ''),
      },
      actor,
    );
    user = await findUserRowByEmail(ctx.db, created.email);
  } else if (mapped !== undefined && mapped !== user.role) {
    await updateUser(ctx, user.id, { role: mapped }, actor);
    user = await findUserRowByEmail(ctx.db, email);
  }
  if (!user?.active) throw new AppError('forbidden', `${email} is deactivated in Scene`);
  const session = await createSession(ctx, user.id);
  await recordAudit(ctx.db, {
    actor,
    action: 'login',
    entityType: 'user',
    entityId: user.id,
    projectId: null,
    before: null,
    after: { address, method: 'oidc' },
  });
  return { session, next: pending.next };
}
