import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

// A real OpenID Connect provider (the oidc-provider package) on 127.0.0.1, with its
// development login form: any login name signs in as that account. Accounts' claims come
// from `accounts` (keyed by login name).

export interface TestOidcProvider {
  issuer: string;
  close(): Promise<void>;
}

export async function startOidcProvider(options: {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  accounts: Record<string, { email: string; groups?: string[]; name?: string }>;
}): Promise<TestOidcProvider> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      groups: ['groups'],
    },
    scopes: ['openid', 'email', 'profile', 'groups'],
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    findAccount: (_ctx, sub) => {
      const account = options.accounts[sub];
      return {
        accountId: sub,
        claims: () => ({
          sub,
          email: account?.email ?? `${sub}@unknown.example`,
          email_verified: true,
          name: account?.name ?? sub,
          groups: account?.groups ?? [],
        }),
      };
    },
  });
  provider.proxy = false;
  server.on('request', provider.callback());
  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
