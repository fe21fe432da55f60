import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createArtifactStore, describeArtifacts } from '../artifacts/create-artifact-store.ts';
import { browserAvailability } from '../capture/browser-availability.ts';
import { installedFonts, machineFingerprint } from '../capture/environment.ts';
import type { Config } from '../config/config.ts';
import { connectDatabase, describeDatabase } from '../db/connect.ts';
import { pingDatabase } from '../db/health.ts';
import type { Logger } from '../shared/logger.ts';
import { redactUrlPassword } from '../shared/redact-url.ts';
import { sceneVersion } from '../shared/scene-version.ts';

// `scene doctor` (issue 18): this machine's rendering fingerprint, and whether what Scene needs
// works here, each with what to fix. Exits 1 when something required is broken.

interface Check {
  name: string;
  ok: boolean;
  /** Not needed to run Scene (e.g. Firefox): reported, never fails the doctor. */
  optional?: boolean;
  detail: string;
  fix?: string;
}

export interface DoctorOutput {
  write(text: string): void;
}

export async function doctor(
  config: Config,
  logger: Logger,
  out: DoctorOutput = { write: (text) => process.stdout.write(text) },
): Promise<number> {
  const [machine, browsers, fonts] = await Promise.all([
    machineFingerprint(),
    browserAvailability({ chromiumPath: config.chromiumPath }),
    installedFonts(),
  ]);
  const families = new Set((fonts ?? []).map((line) => line.split('|')[0] ?? ''));
  out.write(
    [
      'Fingerprint of this machine (what Execution.environment records):',
      `  sceneVersion  ${sceneVersion}`,
      `  os            ${machine.os}`,
      `  fontsDigest   ${machine.fontsDigest}`,
      `  fonts         ${fonts ? `${fonts.length} installed styles in ${families.size} families` : 'unknown (no fc-list)'}`,
      ...browsers.map(
        (b) => `  ${b.name.padEnd(13)} ${b.available ? (b.version ?? '') : 'not available'}`,
      ),
      `  node          ${process.versions.node}`,
      '',
    ].join('\n'),
  );

  const checks: Check[] = [];
  for (const browser of browsers) {
    checks.push({
      name: browser.name,
      ok: browser.available,
      optional: browser.name !== 'chromium',
      detail: browser.available
        ? `${browser.version ?? 'available'}, can capture`
        : (browser.reason ?? 'not available'),
      ...(browser.install && { fix: browser.install }),
    });
  }
  checks.push({
    name: 'fonts',
    ok: fonts !== undefined && fonts.length > 0,
    detail: fonts
      ? `${families.size} font families installed (fontconfig)`
      : 'fontconfig (fc-list) not found: pages render with whatever the browser finds, and fontsDigest cannot be computed',
    fix: 'apt-get install -y fontconfig fonts-dejavu-core fonts-liberation',
  });
  checks.push(await checkDatabase(config, logger));
  checks.push(await checkQueue(config));
  checks.push(await checkArtifacts(config));

  out.write('Checks:\n');
  for (const check of checks) {
    const mark = check.ok ? 'ok  ' : check.optional ? 'warn' : 'FAIL';
    out.write(`  ${mark}  ${check.name.padEnd(10)} ${check.detail}\n`);
    if (!check.ok && check.fix) out.write(`        ${''.padEnd(10)} fix: ${check.fix}\n`);
  }
  const broken = checks.filter((c) => !c.ok && !c.optional);
  out.write(
    broken.length === 0
      ? '\nEverything Scene needs works on this machine.\n'
      : `\n${broken.length} required check(s) failed: ${broken.map((c) => c.name).join(', ')}.\n`,
  );
  return broken.length === 0 ? 0 : 1;
}

async function checkDatabase(config: Config, logger: Logger): Promise<Check> {
  const where = describeDatabase(config.database);
  let db;
  try {
    db = connectDatabase(config.database, logger);
    await pingDatabase(db);
    return { name: 'database', ok: true, detail: `${where} answers` };
  } catch (error) {
    return {
      name: 'database',
      ok: false,
      detail: `${where}: ${messageOf(error)}`,
      fix: 'check SCENE_DATABASE_URL (and that the database server runs and accepts this user)',
    };
  } finally {
    await db?.destroy().catch(() => undefined);
  }
}

async function checkQueue(config: Config): Promise<Check> {
  if (config.queue.kind !== 'bullmq') {
    return { name: 'queue', ok: true, detail: 'in-process (no Redis needed)' };
  }
  const where = redactUrlPassword(config.queue.url);
  const redis = new Redis(config.queue.url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 5_000,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return { name: 'queue', ok: true, detail: `Redis at ${where} answers` };
  } catch (error) {
    return {
      name: 'queue',
      ok: false,
      detail: `Redis at ${where}: ${messageOf(error)}`,
      fix: 'start Redis, or fix SCENE_QUEUE_URL (empty: the in-process queue)',
    };
  } finally {
    redis.disconnect();
  }
}

async function checkArtifacts(config: Config): Promise<Check> {
  const where = describeArtifacts(config.artifacts);
  const key = `doctor/probe-${randomUUID()}.txt`;
  try {
    const store = await createArtifactStore(config.artifacts);
    await store.put(key, Buffer.from('scene doctor'), 'text/plain');
    const back = await store.get(key);
    await store.remove([key]);
    if (back.toString() !== 'scene doctor') throw new Error('read back other bytes');
    return { name: 'artifacts', ok: true, detail: `${where} writable and readable` };
  } catch (error) {
    return {
      name: 'artifacts',
      ok: false,
      detail: `${where}: ${messageOf(error)}`,
      fix: 'check SCENE_ARTIFACTS (a writable directory, or a reachable bucket and its credentials)',
    };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
