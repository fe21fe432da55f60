import { Layout } from '../layout/layout.tsx';

/** Where to go after logging in: a path on this server only (never another site). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//')
    ? next
    : '/projects';
}

export function LoginPage(props: {
  next: string;
  error?: string | undefined;
  email?: string | undefined;
  sso?: boolean | undefined;
}) {
  return (
    <Layout title="Log in" page={{ timestampDisplay: 'utc' }}>
      <form class="login-card" method="post" action="/login">
        <h1>Log in to Scene</h1>
        {props.error ? (
          <p class="login-error" role="alert" safe>
            {props.error}
          </p>
        ) : (
          ''
        )}
        <input type="hidden" name="next" value={props.next} />
        <label>
          Email
          <input type="email" name="email" autocomplete="username" required value={props.email} />
        </label>
        <label>
          Password
          <input type="password" name="password" autocomplete="current-password" required />
        </label>
        <button type="submit" class="button primary">
          Log in
        </button>
        {props.sso ? (
          <a class="button" href={`/auth/oidc/login?next=${encodeURIComponent(props.next)}`}>
            Log in with single sign-on
          </a>
        ) : (
          ''
        )}
      </form>
    </Layout>
  );
}
