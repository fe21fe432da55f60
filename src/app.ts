import os from 'node:os';
import type { AppContext } from './app-context.ts';
import { createArtifactStore } from './artifacts/create-artifact-store.ts';
import { ensureFirstAdmin } from './auth/users.service.ts';
import type { Config } from './config/config.ts';
import { loadSecretKey } from './config/secret-key.ts';
import { connectDatabase } from './db/connect.ts';
import { readInstallationId } from './db/installation.repository.ts';
import { migrateToLatest } from './db/migrate.ts';
import { createEventBus } from './events/create-event-bus.ts';
import { createQueue } from './queue/create-queue.ts';
import type { Queue } from './queue/queue.ts';
import { hydrateRunEvents } from './runs/run-event-hydration.ts';
import { startRunEngine, type RunEngine, type RunEngineOptions } from './runs/run-engine.ts';
import { newId } from './shared/ids.ts';
import { SecretBox } from './secrets/secret-box.ts';
import { sealStoredSecrets } from './secrets/stored-secrets.service.ts';
import type { Logger } from './shared/logger.ts';
import { WebhookDeliverer } from './webhooks/deliverer.ts';
import { WebhookOutboxSignal } from './webhooks/outbox-signal.ts';

export interface App extends AppContext {
  /** Sends the webhook outbox; `scene serve` starts it, close() stops it first. */
  webhookDeliverer: WebhookDeliverer;
  /**
   * Recovery of what a previous process left, the embedded worker (unless
   * SCENE_EMBEDDED_WORKER=false) and run deadlines. `scene serve` calls it; tests call it
   * when they need runs to progress.
   */
  startRunEngine(options?: Partial<RunEngineOptions>): Promise<RunEngine>;
  /**
   * Stops the run engine (running executions go back to `queued` for the next start), then
   * closes the database.
   */
  close(): Promise<void>;
}

export interface AppOptions {
  /**
   * Whether this process has live listeners (SSE streams): a `scene worker` has none, so it
   * only publishes events and does not hear every process's events back. Default true.
   */
  liveEvents: boolean;
}

/** Builds the context every process shares: database (migrated), artifact store, queue, events. */
export async function createApp(
  config: Config,
  logger: Logger,
  options: Partial<AppOptions> = {},
): Promise<App> {
  const db = connectDatabase(config.database, logger, new SecretBox(loadSecretKey(config, logger)));
  let artifacts;
  let queue: Queue | undefined;
  let events;
  try {
    const applied = await migrateToLatest(db);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
    await sealStoredSecrets(db, config.database, logger);
    await ensureFirstAdmin({ db, config, logger });
    artifacts = await createArtifactStore(config.artifacts);
    const installationId = await readInstallationId(db);
    queue = await createQueue(config.queue, installationId, logger);
    events = await createEventBus(config.queue, installationId, hydrateRunEvents(db), logger, {
      listen: options.liveEvents ?? true,
    });
  } catch (error) {
    await queue?.close();
    await db.destroy();
    throw error;
  }
  const ctx: AppContext = {
    config,
    instanceId: `${os.hostname()}:${process.pid}:${newId()}`,
    db,
    logger,
    artifacts,
    queue,
    events,
    webhookOutbox: new WebhookOutboxSignal(),
  };
  const webhookDeliverer = new WebhookDeliverer(ctx);
  let engine: RunEngine | undefined;
  return {
    ...ctx,
    webhookDeliverer,
    async startRunEngine(options = {}) {
      if (engine) throw new Error('the run engine is already started');
      engine = await startRunEngine(ctx, { embeddedWorker: config.embeddedWorker, ...options });
      return engine;
    },
    async close() {
      await webhookDeliverer.stop();
      await engine?.stop();
      await ctx.queue.close();
      await ctx.events.close();
      await db.destroy();
    },
  };
}
