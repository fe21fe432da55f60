import type { ArtifactStore } from './artifacts/artifact-store.ts';
import type { Config } from './config/config.ts';
import type { Db } from './db/connect.ts';
import type { EventBus } from './events/event-bus.ts';
import type { Queue } from './queue/queue.ts';
import type { Logger } from './shared/logger.ts';
import type { WebhookOutboxSignal } from './webhooks/outbox-signal.ts';

/** What services need, built once at start by createApp() and passed explicitly. */
export interface AppContext {
  config: Config;
  /**
   * This process's identity as the owner of the executions it runs (their leases). Unique per
   * createApp(), so two apps in one test process act as two processes.
   */
  instanceId: string;
  db: Db;
  logger: Logger;
  artifacts: ArtifactStore;
  /** Where launched executions wait for a worker (ids only). */
  queue: Queue;
  /** Live run updates for SSE and the UI, published after each commit. */
  events: EventBus;
  /** Kick after committing webhook events (recordWebhookEvent): wakes this process's deliverer. */
  webhookOutbox: WebhookOutboxSignal;
}
