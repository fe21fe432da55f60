import type { Logger } from '../shared/logger.ts';
import type { SceneEvent } from './scene-events.ts';

export interface EventFilter {
  /** Only events of this run. */
  runId?: string;
  /** Only events of this project. */
  projectId?: string;
}

export type EventListener = (event: SceneEvent) => void;

/**
 * In-process publish/subscribe for live updates (SSE, UI). Fire and forget: a listener that
 * throws is logged and does not affect the publisher or other listeners. The database stays
 * the record; a client that reconnects starts from a fresh snapshot. A multi-process
 * deployment would back this interface with Redis pub/sub.
 */
export interface EventBus {
  publish(event: SceneEvent): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: EventListener, filter?: EventFilter): () => void;
  /** Whether anyone listens to this run (events that cost a query are skipped otherwise). */
  hasListeners(runId: string, projectId: string): boolean;
}

interface Subscription {
  listener: EventListener;
  filter: EventFilter;
}

export class InProcessEventBus implements EventBus {
  readonly #subscriptions = new Set<Subscription>();
  readonly #logger: Logger | undefined;

  constructor(logger?: Logger) {
    this.#logger = logger;
  }

  publish(event: SceneEvent): void {
    const runId = 'runId' in event ? event.runId : undefined;
    for (const subscription of [...this.#subscriptions]) {
      const { filter } = subscription;
      if (filter.projectId !== undefined && filter.projectId !== event.projectId) continue;
      if (filter.runId !== undefined && filter.runId !== runId) continue;
      try {
        subscription.listener(event);
      } catch (error) {
        this.#logger?.error({ err: error, event: event.type }, 'event listener threw');
      }
    }
  }

  subscribe(listener: EventListener, filter: EventFilter = {}): () => void {
    const subscription: Subscription = { listener, filter };
    this.#subscriptions.add(subscription);
    return () => {
      this.#subscriptions.delete(subscription);
    };
  }

  hasListeners(runId: string, projectId: string): boolean {
    for (const { filter } of this.#subscriptions) {
      if (filter.runId !== undefined && filter.runId !== runId) continue;
      if (filter.projectId !== undefined && filter.projectId !== projectId) continue;
      return true;
    }
    return false;
  }
}
