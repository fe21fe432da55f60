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
  SCENE_HOST: { default: '0.0.0.0', meaning: 'Interface to listen on.' },
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
    meaning: 'Directory for screenshots, diffs, traces.',
  },
  SCENE_QUEUE_URL: {
    default: '(none: in-process queue)',
    meaning: 'Empty for the in-process queue.',
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
  SCENE_SECRET_KEY: {
    default: '(generated into `$SCENE_DATA_DIR/secret.key`)',
    meaning:
      'Encrypts the stored secrets (page passwords, webhook secrets): 32 bytes, base64 or hex (`openssl rand -base64 32`).',
  },
} as const;

export type ConfigKey = keyof typeof configKeys;

export type DatabaseConfig =
  { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string };

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  database: DatabaseConfig;
  artifactsDir: string;
  queue: { kind: 'in-process' };
  chromiumPath: string | undefined;
  embeddedWorker: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
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

const envSchema = z.object({
  SCENE_PORT: z.coerce
    .number({ message: 'must be a whole number from 0 to 65535' })
    .int({ message: 'must be a whole number from 0 to 65535' })
    .min(0, { message: 'must be a whole number from 0 to 65535' })
    .max(65535, { message: 'must be a whole number from 0 to 65535' })
    .default(8080),
  SCENE_HOST: z.string().min(1).default('0.0.0.0'),
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
    .refine((v) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(v) || v.startsWith('file://'), {
      message: 'expected a directory path (object storage such as s3:// is not available yet)',
    })
    .optional(),
  SCENE_QUEUE_URL: z
    .string()
    .refine((v) => v === '', {
      message:
        'expected empty (in-process queue); a redis:// queue is not available in this version',
    })
    .optional(),
  SCENE_CHROMIUM_PATH: z.string().min(1).optional(),
  SCENE_EMBEDDED_WORKER: booleanString.default(true),
  SCENE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
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
  if (key === 'SCENE_SECRET_KEY') return '(value not shown)';
  return `(got ${JSON.stringify(value?.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@'))})`;
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
  const artifacts = e.SCENE_ARTIFACTS?.replace(/^file:\/\//, '');

  return Object.freeze({
    port: e.SCENE_PORT,
    host: e.SCENE_HOST,
    publicUrl: (e.SCENE_PUBLIC_URL ?? `http://localhost:${e.SCENE_PORT}`).replace(/\/+$/, ''),
    dataDir,
    database: Object.freeze(database),
    artifactsDir: path.resolve(artifacts ?? path.join(dataDir, 'artifacts')),
    queue: Object.freeze({ kind: 'in-process' as const }),
    chromiumPath: e.SCENE_CHROMIUM_PATH,
    embeddedWorker: e.SCENE_EMBEDDED_WORKER,
    logLevel: e.SCENE_LOG_LEVEL,
    secretKey: e.SCENE_SECRET_KEY,
  });
}
