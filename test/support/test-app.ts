import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { buildServer, type SceneServer } from '../../src/http/server.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { createScratchDatabase } from './postgres.ts';

export const dialects = ['sqlite', 'postgres'] as const;
export type Dialect = (typeof dialects)[number];

export interface TestApp {
  app: App;
  server: SceneServer;
  /** Every log line written, for asserting what the logs never contain. */
  logs: string[];
  dataDir: string;
  close(): Promise<void>;
}

/** A real Scene (database migrated, artifacts on disk, HTTP server not listening) on a fresh database. */
export async function createTestApp(
  dialect: Dialect,
  env: Record<string, string> = {},
): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-test-'));
  const scratch = dialect === 'postgres' ? await createScratchDatabase() : undefined;
  const config = loadConfig({
    SCENE_DATA_DIR: dataDir,
    SCENE_LOG_LEVEL: 'debug',
    ...(scratch && { SCENE_DATABASE_URL: scratch.url }),
    ...env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger(config.logLevel, sink);
  const app = await createApp(config, logger);
  const server = await buildServer(app);
  await server.ready();
  return {
    app,
    server,
    logs,
    dataDir,
    async close() {
      await server.close();
      await app.close();
      await scratch?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
