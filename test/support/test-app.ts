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

export interface TestApp extends OpenScene {
  dataDir: string;
}

/** A Scene in this process (database migrated, HTTP server not listening) on the given env. */
export interface OpenScene {
  app: App;
  server: SceneServer;
  /** Every log line written, for asserting what the logs never contain. */
  logs: string[];
  /** Closes the server and the app; the database and files stay. */
  close(): Promise<void>;
}

export async function openScene(env: Record<string, string>): Promise<OpenScene> {
  const config = loadConfig({ SCENE_LOG_LEVEL: 'debug', ...env });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const app = await createApp(config, createLogger(config.logLevel, sink));
  const server = await buildServer(app);
  await server.ready();
  return {
    app,
    server,
    logs,
    async close() {
      await server.close();
      await app.close();
    },
  };
}

/** A real Scene (database migrated, artifacts on disk, HTTP server not listening) on a fresh database. */
export async function createTestApp(
  dialect: Dialect,
  env: Record<string, string> = {},
): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-test-'));
  const scratch = dialect === 'postgres' ? await createScratchDatabase() : undefined;
  const scene = await openScene({
    SCENE_DATA_DIR: dataDir,
    ...(scratch && { SCENE_DATABASE_URL: scratch.url }),
    ...env,
  });
  return {
    ...scene,
    dataDir,
    async close() {
      await scene.close();
      await scratch?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
