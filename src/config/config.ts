import { redactUrlPassword } from '../shared/redact-url.ts';
import path from 'node:path';
import { z } from 'zod';
import { SecretKey, secretKeyFormat } from '../secrets/secret-box.ts';

/**
 * Every setting Scene reads from the environment. Only this module reads process.env;
 * everything else receives the frozen Config. The README's configuration table mirrors
 * `configKeys` below.
 */
export const configKeys = {
  SCENE_PORT: { default: '8080', meaning: 'HTTP port of `scene serve`.' },
  SCENE_HOST: {
    default: '127.0.0.1',
    meaning:
      'Interface to listen on; `0.0.0.0` for every interface (then authentication is required).',
  },
  SCENE_AUTH: {
    default: '(off on a loopback SCENE_HOST, else required)',
    meaning:
      '`required`: every route but `/healthz` and the login pages needs a session or an API token. `off` is refused on a non-loopback address.',
  },
  SCENE_ADMIN_EMAIL: {
    default: '(none)',
    meaning: 'With `SCENE_ADMIN_PASSWORD`: the first admin, created at start when no user exists.',
  },
  SCENE_ADMIN_PASSWORD: {
    default: '(none)',
    meaning:
      'Password of `SCENE_ADMIN_EMAIL` (at least 12 characters; stored as an argon2id hash).',
  },
  SCENE_SESSION_IDLE_MINUTES: {
    default: '720',
    meaning: 'A UI session ends after this long without a request.',
  },
  SCENE_SESSION_MAX_HOURS: {
    default: '168',
    meaning: 'A UI session ends this long after login, however active.',
  },
  SCENE_OIDC_ISSUER: {
    default: '(none: no single sign-on)',
    meaning:
      'OpenID Connect issuer URL for single sign-on, e.g. `https://accounts.google.com`; the redirect URL to register is `$SCENE_PUBLIC_URL/auth/oidc/callback`.',
  },
  SCENE_OIDC_CLIENT_ID: { default: '(none)', meaning: 'Client id registered at the issuer.' },
  SCENE_OIDC_CLIENT_SECRET: {
    default: '(none)',
    meaning: 'Client secret registered at the issuer.',
  },
  SCENE_OIDC_ALLOWED_DOMAINS: {
    default: '(none: any)',
    meaning: 'Comma-separated email domains allowed to sign in, e.g. `example.com,example.org`.',
  },
  SCENE_OIDC_DEFAULT_ROLE: {
    default: 'viewer',
    meaning: 'Role of a user created at their first single sign-on.',
  },
  SCENE_OIDC_GROUP_ROLES: {
    default: '(none)',
    meaning:
      'Group→role mapping from the `groups` claim, e.g. `scene-admins=admin,qa=reviewer`; the strongest match wins, at every login.',
  },
  SCENE_LOGIN_WINDOW_SECONDS: {
    default: '60',
    meaning:
      'Login rate limit window: 10 failed logins for one account (or 50 from one address) within it answer 429 until it passes.',
  },
  SCENE_PUBLIC_URL: {
    default: 'http://localhost:$SCENE_PORT',
    meaning: 'Absolute base URL used in links (webhook payloads, logs).',
  },
  SCENE_DATA_DIR: {
    default: './data',
    meaning: 'Holds the SQLite file and the artifacts unless those are set.',
  },
  SCENE_DATABASE_URL: {
    default: 'sqlite:$SCENE_DATA_DIR/scene.db',
    meaning: '`sqlite:<file>` or `postgres://user@host:port/db`.',
  },
  SCENE_ARTIFACTS: {
    default: '$SCENE_DATA_DIR/artifacts',
    meaning:
      'Directory for screenshots, diffs, traces; or `s3://bucket/prefix` for S3-compatible object storage (credentials: `AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`).',
  },
  SCENE_S3_ENDPOINT: {
    default: '(AWS)',
    meaning: 'Endpoint of an S3-compatible server (MinIO, Ceph, …), e.g. `http://minio:9000`.',
  },
  SCENE_S3_FORCE_PATH_STYLE: {
    default: 'false',
    meaning: '`true` for servers that need path-style bucket addressing (most S3-compatible ones).',
  },
  SCENE_QUEUE_URL: {
    default: '(none: in-process queue)',
    meaning:
      'Empty for the in-process queue; `redis://host:port[/db]` for BullMQ on Redis, shared by `scene serve` and `scene worker` processes (needs Postgres).',
  },
  SCENE_WORKER_PORT: {
    default: '(none)',
    meaning: '`scene worker` only: serves `/healthz` and `/metrics` on this port.',
  },
  SCENE_CHROMIUM_PATH: {
    default: '(found automatically)',
    meaning: 'Chromium executable to drive.',
  },
  SCENE_EMBEDDED_WORKER: {
    default: 'true',
    meaning: '`scene serve` also runs captures in-process.',
  },
  SCENE_LOG_LEVEL: {
    default: 'info',
    meaning: 'fatal, error, warn, info, debug or trace.',
  },
  SCENE_EXECUTION_LEASE_SECONDS: {
    default: '30',
    meaning:
      'A running capture belongs to its process while that process renews this lease (every third of it); another process takes over a capture whose lease expired.',
  },
  SCENE_SECRET_KEY: {
    default: '(generated into `$SCENE_DATA_DIR/secret.key`)',
    meaning:
      'Encrypts the stored secrets (page passwords, webhook secrets): 32 bytes, base64 or hex (`openssl rand -base64 32`).',
  },
} as const;

export type ConfigKey = keyof typeof configKeys;

export type DatabaseConfig =
  { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string };

export type QueueConfig = { kind: 'in-process' } | { kind: 'bullmq'; url: string };

export type ArtifactsConfig =
  | { kind: 'disk'; dir: string }
  | {
      kind: 's3';
      bucket: string;
      prefix: string;
      endpoint: string | undefined;
      forcePathStyle: boolean;
      region: string;
      credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
    };

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Lowercase email domains; empty: any. */
  allowedDomains: readonly string[];
  defaultRole: 'admin' | 'editor' | 'reviewer' | 'viewer';
  groupRoles: Readonly<Record<string, 'admin' | 'editor' | 'reviewer' | 'viewer'>>;
}

export interface AuthConfig {
  mode: 'required' | 'off';
  oidc: OidcConfig | undefined;
  admin: { email: string; password: string } | undefined;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  loginWindowSeconds: number;
}

export interface Config {
  port: number;
  host: string;
  auth: AuthConfig;
  publicUrl: string;
  dataDir: string;
  database: DatabaseConfig;
  artifacts: ArtifactsConfig;
  queue: QueueConfig;
  /** `scene worker`: the port of its health and metrics endpoint, if any. */
  workerPort: number | undefined;
  chromiumPath: string | undefined;
  embeddedWorker: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  executionLeaseSeconds: number;
  /** From SCENE_SECRET_KEY; when absent, loadSecretKey() reads or generates the key file. */
  secretKey: SecretKey | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const booleanString = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

/** A whole number in [min, max], every violation answered with the same message. */
function wholeNumber(min: number, max: number, message: string) {
  return z.coerce.number({ message }).int({ message }).min(min, { message }).max(max, { message });
}

const envSchema = z.object({
  SCENE_PORT: wholeNumber(0, 65535, 'must be a whole number from 0 to 65535').default(8080),
  SCENE_HOST: z.string().min(1).default('127.0.0.1'),
  SCENE_AUTH: z.enum(['required', 'off']).optional(),
  SCENE_ADMIN_EMAIL: z.email().optional(),
  SCENE_ADMIN_PASSWORD: z
    .string()
    .min(12, { message: 'must have at least 12 characters' })
    .optional(),
  SCENE_SESSION_IDLE_MINUTES: wholeNumber(1, 525600, 'must be a whole number of minutes').default(
    720,
  ),
  SCENE_SESSION_MAX_HOURS: wholeNumber(1, 87600, 'must be a whole number of hours').default(168),
  SCENE_OIDC_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  SCENE_OIDC_CLIENT_ID: z.string().min(1).optional(),
  SCENE_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  SCENE_OIDC_ALLOWED_DOMAINS: z.string().optional(),
  SCENE_OIDC_DEFAULT_ROLE: z.enum(['admin', 'editor', 'reviewer', 'viewer']).default('viewer'),
  SCENE_OIDC_GROUP_ROLES: z
    .string()
    .refine(
      (v) =>
        v === '' ||
        /^[^=,]+=(admin|editor|reviewer|viewer)(,[^=,]+=(admin|editor|reviewer|viewer))*$/.test(v),
      {
        message:
          'expected group=role pairs separated by commas, e.g. scene-admins=admin,qa=reviewer',
      },
    )
    .optional(),
  SCENE_LOGIN_WINDOW_SECONDS: wholeNumber(1, 86400, 'must be a whole number of seconds').default(
    60,
  ),
  SCENE_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  SCENE_DATA_DIR: z.string().min(1).default('./data'),
  SCENE_DATABASE_URL: z
    .string()
    .regex(/^(sqlite:|postgres:\/\/|postgresql:\/\/)/, {
      message: 'expected sqlite:<file> or postgres://user@host:port/database',
    })
    .optional(),
  SCENE_ARTIFACTS: z
    .string()
    .min(1)
    .refine(
      (v) =>
        !/^[a-z][a-z0-9+.-]*:\/\//i.test(v) ||
        v.startsWith('file://') ||
        /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(v),
      { message: 'expected a directory path or s3://bucket/prefix' },
    )
    .optional(),
  SCENE_S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  SCENE_S3_FORCE_PATH_STYLE: booleanString.default(false),
  SCENE_QUEUE_URL: z
    .string()
    .refine((v) => v === '' || /^rediss?:\/\/[^/]+(\/\d+)?$/.test(v), {
      message: 'expected empty (in-process queue) or redis://host:port[/db]',
    })
    .optional(),
  SCENE_WORKER_PORT: wholeNumber(0, 65535, 'must be a whole number from 0 to 65535').optional(),
  SCENE_CHROMIUM_PATH: z.string().min(1).optional(),
  SCENE_EMBEDDED_WORKER: booleanString.default(true),
  SCENE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  SCENE_EXECUTION_LEASE_SECONDS: wholeNumber(
    3,
    3600,
    'must be a whole number of seconds from 3 to 3600',
  ).default(30),
  SCENE_SECRET_KEY: z
    .string()
    .transform((text, context) => {
      const key = SecretKey.parse(text, 'SCENE_SECRET_KEY');
      if (!key) context.addIssue({ code: 'custom', message: `expected ${secretKeyFormat}` });
      return key ?? z.NEVER;
    })
    .optional(),
});

/** How a bad value is quoted back: never a key, and a URL without its password. */
function quoted(key: string, value: string | undefined): string {
  if (['SCENE_SECRET_KEY', 'SCENE_ADMIN_PASSWORD', 'SCENE_OIDC_CLIENT_SECRET'].includes(key)) {
    return '(value not shown)';
  }
  return `(got ${JSON.stringify(value === undefined ? undefined : redactUrlPassword(value))})`;
}

/** Parses and validates the environment once; every bad key is reported at once. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const scoped = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k.startsWith('SCENE_') && v !== undefined),
  );
  const problems: string[] = [];
  for (const key of Object.keys(scoped)) {
    if (!(key in configKeys) && !key.startsWith('SCENE_TEST_')) {
      problems.push(`${key}: unknown setting (known: ${Object.keys(configKeys).join(', ')})`);
    }
  }
  const parsed = envSchema.safeParse(scoped);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '?');
      problems.push(`${key}: ${issue.message} ${quoted(key, scoped[key])}`);
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;

  const dataDir = path.resolve(e.SCENE_DATA_DIR);
  const dbUrl = e.SCENE_DATABASE_URL;
  const database: DatabaseConfig =
    dbUrl === undefined
      ? { dialect: 'sqlite', file: path.join(dataDir, 'scene.db') }
      : dbUrl.startsWith('sqlite:')
        ? { dialect: 'sqlite', file: path.resolve(dbUrl.slice('sqlite:'.length)) }
        : { dialect: 'postgres', url: dbUrl };
  if (e.SCENE_QUEUE_URL && database.dialect === 'sqlite') {
    throw new ConfigError([
      `SCENE_QUEUE_URL: a Redis queue serves workers on other machines, which cannot share a SQLite file; set SCENE_DATABASE_URL=postgres://… (got ${JSON.stringify(e.SCENE_QUEUE_URL)} with ${database.file})`,
    ]);
  }
  const queue: QueueConfig = e.SCENE_QUEUE_URL
    ? { kind: 'bullmq', url: e.SCENE_QUEUE_URL }
    : { kind: 'in-process' };
  const artifacts = artifactsConfig(e, dataDir, env);
  const auth = authConfig(e);

  return Object.freeze({
    port: e.SCENE_PORT,
    host: e.SCENE_HOST,
    auth: Object.freeze(auth),
    publicUrl: (e.SCENE_PUBLIC_URL ?? `http://localhost:${e.SCENE_PORT}`).replace(/\/+$/, ''),
    dataDir,
    database: Object.freeze(database),
    artifacts: Object.freeze(artifacts),
    queue: Object.freeze(queue),
    workerPort: e.SCENE_WORKER_PORT,
    chromiumPath: e.SCENE_CHROMIUM_PATH,
    embeddedWorker: e.SCENE_EMBEDDED_WORKER,
    logLevel: e.SCENE_LOG_LEVEL,
    executionLeaseSeconds: e.SCENE_EXECUTION_LEASE_SECONDS,
    secretKey: e.SCENE_SECRET_KEY,
  });
}

/** 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

function authConfig(e: z.infer<typeof envSchema>): AuthConfig {
  const loopback = isLoopbackHost(e.SCENE_HOST);
  const mode = e.SCENE_AUTH ?? (loopback ? 'off' : 'required');
  if (mode === 'off' && !loopback) {
    throw new ConfigError([
      `SCENE_AUTH: off is refused on the non-loopback address ${e.SCENE_HOST}: anyone who can reach this machine could delete every project, approve baselines and make Chromium open any URL or run scripts, without logging in. Remove SCENE_AUTH=off (authentication is then required), or listen on SCENE_HOST=127.0.0.1`,
    ]);
  }
  if ((e.SCENE_ADMIN_EMAIL === undefined) !== (e.SCENE_ADMIN_PASSWORD === undefined)) {
    throw new ConfigError([
      'SCENE_ADMIN_EMAIL and SCENE_ADMIN_PASSWORD: set both (the first admin) or neither',
    ]);
  }
  return {
    mode,
    oidc: oidcConfig(e),
    admin:
      e.SCENE_ADMIN_EMAIL !== undefined && e.SCENE_ADMIN_PASSWORD !== undefined
        ? Object.freeze({ email: e.SCENE_ADMIN_EMAIL, password: e.SCENE_ADMIN_PASSWORD })
        : undefined,
    sessionIdleMinutes: e.SCENE_SESSION_IDLE_MINUTES,
    sessionMaxHours: e.SCENE_SESSION_MAX_HOURS,
    loginWindowSeconds: e.SCENE_LOGIN_WINDOW_SECONDS,
  };
}

function oidcConfig(e: z.infer<typeof envSchema>): OidcConfig | undefined {
  if (e.SCENE_OIDC_ISSUER === undefined) return undefined;
  if (e.SCENE_OIDC_CLIENT_ID === undefined || e.SCENE_OIDC_CLIENT_SECRET === undefined) {
    throw new ConfigError([
      'SCENE_OIDC_ISSUER: single sign-on also needs SCENE_OIDC_CLIENT_ID and SCENE_OIDC_CLIENT_SECRET',
    ]);
  }
  const groupRoles = Object.fromEntries(
    (e.SCENE_OIDC_GROUP_ROLES ?? '')
      .split(',')
      .filter(Boolean)
      .map((pair) => pair.split('=') as [string, OidcConfig['defaultRole']]),
  );
  return Object.freeze({
    issuer: e.SCENE_OIDC_ISSUER,
    clientId: e.SCENE_OIDC_CLIENT_ID,
    clientSecret: e.SCENE_OIDC_CLIENT_SECRET,
    allowedDomains: (e.SCENE_OIDC_ALLOWED_DOMAINS ?? '')
      .split(',')
      .map((d) => d.trim().toLowerCase())
      .filter(Boolean),
    defaultRole: e.SCENE_OIDC_DEFAULT_ROLE,
    groupRoles,
  });
}

function artifactsConfig(
  e: z.infer<typeof envSchema>,
  dataDir: string,
  env: Record<string, string | undefined>,
): ArtifactsConfig {
  const value = e.SCENE_ARTIFACTS;
  if (value?.startsWith('s3://')) {
    const [bucket = '', ...rest] = value.slice('s3://'.length).split('/');
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    return {
      kind: 's3',
      bucket,
      prefix: rest.filter(Boolean).join('/'),
      endpoint: e.SCENE_S3_ENDPOINT,
      forcePathStyle: e.SCENE_S3_FORCE_PATH_STYLE,
      region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
      // Absent: the SDK's own chain (instance roles, profiles) applies.
      credentials:
        accessKeyId && secretAccessKey
          ? Object.freeze({ accessKeyId, secretAccessKey })
          : undefined,
    };
  }
  const dir = value?.replace(/^file:\/\//, '') ?? path.join(dataDir, 'artifacts');
  return { kind: 'disk', dir: path.resolve(dir) };
}
