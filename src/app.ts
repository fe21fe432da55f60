import type { AppContext } from './app-context.ts';
import { DiskArtifactStore } from './artifacts/disk-artifact-store.ts';
import type { Config } from './config/config.ts';
import { connectDatabase } from './db/connect.ts';
import { migrateToLatest } from './db/migrate.ts';
import type { Logger } from './shared/logger.ts';
import { WebhookDeliverer } from './webhooks/deliverer.ts';
import { WebhookOutboxSignal } from './webhooks/outbox-signal.ts';

export interface App extends AppContext {
  /** Sends the webhook outbox; `scene serve` starts it, close() stops it first. */
  webhookDeliverer: WebhookDeliverer;
  close(): Promise<void>;
}

/** Builds the context every process shares: database (migrated), artifact store. */
export async function createApp(config: Config, logger: Logger): Promise<App> {
  const db = connectDatabase(config.database);
  try {
    const applied = await migrateToLatest(db);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const artifacts = new DiskArtifactStore(config.artifactsDir);
  const webhookOutbox = new WebhookOutboxSignal();
  const webhookDeliverer = new WebhookDeliverer({ db, logger, webhookOutbox });
  return {
    config,
    db,
    logger,
    artifacts,
    webhookOutbox,
    webhookDeliverer,
    async close() {
      await webhookDeliverer.stop();
      await db.destroy();
    },
  };
}
