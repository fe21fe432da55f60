import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configKeys, loadConfig } from './config.ts';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected loadConfig to fail');
}

describe('loadConfig', () => {
  it('applies the documented defaults and freezes the result', () => {
    const config = loadConfig({});
    const dataDir = path.resolve('./data');
    expect(config).toEqual({
      port: 8080,
      host: '127.0.0.1',
      auth: {
        mode: 'off',
        oidc: undefined,
        admin: undefined,
        sessionIdleMinutes: 720,
        sessionMaxHours: 168,
        loginWindowSeconds: 60,
      },
      publicUrl: 'http://localhost:8080',
      dataDir,
      database: { dialect: 'sqlite', file: path.join(dataDir, 'scene.db') },
      artifacts: { kind: 'disk', dir: path.join(dataDir, 'artifacts') },
      queue: { kind: 'in-process' },
      workerPort: undefined,
      chromiumPath: undefined,
      embeddedWorker: true,
      logLevel: 'info',
      executionLeaseSeconds: 30,
      secretKey: undefined,
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.database)).toBe(true);
  });

  it('derives paths from SCENE_DATA_DIR and reads every key', () => {
    const config = loadConfig({
      SCENE_PORT: '9000',
      SCENE_HOST: '127.0.0.1',
      SCENE_PUBLIC_URL: 'https://scene.example.com/',
      SCENE_DATA_DIR: '/srv/scene',
      SCENE_DATABASE_URL: 'postgres://scene@db:5432/scene',
      SCENE_ARTIFACTS: 'file:///mnt/artifacts',
      SCENE_QUEUE_URL: '',
      SCENE_CHROMIUM_PATH: '/usr/bin/chromium',
      SCENE_EMBEDDED_WORKER: '0',
      SCENE_LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      port: 9000,
      host: '127.0.0.1',
      publicUrl: 'https://scene.example.com',
      dataDir: '/srv/scene',
      database: { dialect: 'postgres', url: 'postgres://scene@db:5432/scene' },
      artifacts: { kind: 'disk', dir: '/mnt/artifacts' },
      chromiumPath: '/usr/bin/chromium',
      embeddedWorker: false,
      logLevel: 'debug',
    });
    expect(loadConfig({ SCENE_DATA_DIR: '/srv/scene' })).toMatchObject({
      database: { dialect: 'sqlite', file: '/srv/scene/scene.db' },
      artifacts: { kind: 'disk', dir: '/srv/scene/artifacts' },
    });
    expect(loadConfig({ SCENE_DATABASE_URL: 'sqlite:/tmp/x.db' }).database).toEqual({
      dialect: 'sqlite',
      file: '/tmp/x.db',
    });
    expect(loadConfig({ SCENE_PORT: '9001' }).publicUrl).toBe('http://localhost:9001');
  });

  it('reports every bad key at once, each with its value', () => {
    const problems = problemsOf({
      SCENE_PORT: 'eighty',
      SCENE_LOG_LEVEL: 'loud',
      SCENE_DATABASE_URL: 'mysql://db/scene',
      SCENE_EMBEDDED_WORKER: 'maybe',
      SCENE_ARTIFACTS: 'gs://bucket/prefix',
      SCENE_QUEUE_URL: 'amqp://localhost:5672',
      SCENE_PUBLIC_URL: 'ftp://scene',
      SCENE_PROT: '8080',
    });
    expect(problems).toHaveLength(8);
    const byKey = (key: string) => problems.find((p) => p.startsWith(`${key}:`)) ?? '';
    expect(byKey('SCENE_PORT')).toMatch(/whole number from 0 to 65535 \(got "eighty"\)/);
    expect(byKey('SCENE_LOG_LEVEL')).toMatch(
      /"fatal"\|"error"\|"warn"\|"info"\|"debug"\|"trace".*"loud"/,
    );
    expect(byKey('SCENE_DATABASE_URL')).toMatch(/expected sqlite:<file> or postgres:\/\//);
    expect(byKey('SCENE_EMBEDDED_WORKER')).toMatch(/"maybe"/);
    expect(byKey('SCENE_ARTIFACTS')).toMatch(/directory path or s3:\/\/bucket\/prefix/);
    expect(byKey('SCENE_QUEUE_URL')).toMatch(/in-process queue\) or redis:\/\/host:port/);
    expect(byKey('SCENE_PUBLIC_URL')).toMatch(/"ftp:\/\/scene"/);
    expect(byKey('SCENE_PROT')).toMatch(/unknown setting \(known: SCENE_PORT, /);
  });

  it('takes SCENE_SECRET_KEY as base64 or hex, and never quotes a bad one or a URL password', () => {
    const key = Buffer.alloc(32, 9);
    for (const text of [key.toString('base64'), key.toString('hex')]) {
      const config = loadConfig({ SCENE_SECRET_KEY: text });
      expect(config.secretKey?.source).toBe('SCENE_SECRET_KEY');
      expect(JSON.stringify(config)).not.toContain(text);
    }
    const almost = key.toString('base64').slice(0, 40);
    const problems = problemsOf({
      SCENE_SECRET_KEY: almost,
      SCENE_DATABASE_URL: 'mysql://scene:db-Pw-77@db/scene',
    });
    expect(problems.find((p) => p.startsWith('SCENE_SECRET_KEY:'))).toMatch(
      /32 random bytes, base64 .* or hex .*\(value not shown\)/,
    );
    expect(problems.join('\n')).not.toContain(almost);
    expect(problems.join('\n')).not.toContain('db-Pw-77');
    expect(problems.join('\n')).toContain('mysql://scene:***@db/scene');
  });

  it('rejects ports out of range and accepts 0 (any free port)', () => {
    expect(problemsOf({ SCENE_PORT: '65536' })[0]).toMatch(/^SCENE_PORT: .*65535/);
    expect(problemsOf({ SCENE_PORT: '-1' })[0]).toMatch(/^SCENE_PORT:/);
    expect(problemsOf({ SCENE_PORT: '80.5' })[0]).toMatch(/^SCENE_PORT:/);
    expect(loadConfig({ SCENE_PORT: '0' }).port).toBe(0);
  });

  it('chooses the queue and the artifact store from their URLs', () => {
    const config = loadConfig({
      SCENE_DATABASE_URL: 'postgres://scene@db/scene',
      SCENE_QUEUE_URL: 'redis://redis:6379/2',
      SCENE_ARTIFACTS: 's3://shots/scene/prod',
      SCENE_S3_ENDPOINT: 'http://minio:9000',
      SCENE_S3_FORCE_PATH_STYLE: 'true',
      SCENE_WORKER_PORT: '9100',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIA',
      AWS_SECRET_ACCESS_KEY: 'secret',
    });
    expect(config.queue).toEqual({ kind: 'bullmq', url: 'redis://redis:6379/2' });
    expect(config.artifacts).toEqual({
      kind: 's3',
      bucket: 'shots',
      prefix: 'scene/prod',
      endpoint: 'http://minio:9000',
      forcePathStyle: true,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIA', secretAccessKey: 'secret' },
    });
    expect(config.workerPort).toBe(9100);
  });

  it('refuses a Redis queue with SQLite, saying to use Postgres', () => {
    expect(problemsOf({ SCENE_QUEUE_URL: 'redis://127.0.0.1:6379' })[0]).toMatch(
      /^SCENE_QUEUE_URL: .*cannot share a SQLite file; set SCENE_DATABASE_URL=postgres:\/\//,
    );
  });

  it('bounds the execution lease', () => {
    expect(loadConfig({ SCENE_EXECUTION_LEASE_SECONDS: '5' }).executionLeaseSeconds).toBe(5);
    expect(problemsOf({ SCENE_EXECUTION_LEASE_SECONDS: '1' })[0]).toMatch(
      /^SCENE_EXECUTION_LEASE_SECONDS: must be a whole number of seconds from 3 to 3600/,
    );
  });

  it('ignores variables outside SCENE_ and the test harness’s SCENE_TEST_ ones', () => {
    expect(() =>
      loadConfig({ PATH: '/bin', SCENE_TEST_POSTGRES_URL: 'postgres://x' }),
    ).not.toThrow();
  });

  it('is documented in the README configuration table, key by key', () => {
    const readme = fs.readFileSync(path.join(import.meta.dirname, '../../README.md'), 'utf8');
    const section = readme.split('## Configuration')[1]?.split('\n## ')[0] ?? '';
    const rows = section
      .split('\n')
      .filter((line) => line.startsWith('| `SCENE_'))
      .map((line) =>
        line
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim()),
      );
    const unquote = (cell: string) => cell.replace(/^`(.*)`$/, '$1');
    const documented = Object.fromEntries(
      rows.map(([key = '', def = '', meaning = '']) => [
        unquote(key),
        { default: unquote(def), meaning },
      ]),
    );
    expect(documented).toEqual(configKeys);
  });
});
