import { Redis } from 'ioredis';
import type { Logger } from '../shared/logger.ts';
import { throttledWarning } from '../shared/throttled-warning.ts';
import {
  LocalListeners,
  type EventBus,
  type EventFilter,
  type EventHydrator,
  type EventListener,
} from './event-bus.ts';
import type { BusEvent } from './scene-events.ts';

/**
 * Events shared by every process on one Redis (Redis pub/sub): a capture on a worker shows on
 * the run page served by any `scene serve`. Each process hears its own events back through
 * Redis, so all listeners see one order. Fire and forget: while Redis is unreachable live
 * updates pause; pages and streams that reconnect start from a fresh snapshot. A process
 * without live listeners (`scene worker`) only publishes.
 */
export class RedisEventBus implements EventBus {
  readonly #local: LocalListeners;
  readonly #publisher: Redis;
  readonly #subscriber: Redis | undefined;
  /** This installation's channel (see readInstallationId). */
  readonly #channel: string;
  readonly #logError: (error: unknown) => void;

  private constructor(
    url: string,
    namespace: string,
    hydrate: EventHydrator,
    logger: Logger,
    listen: boolean,
  ) {
    this.#channel = `scene:${namespace}:events`;
    this.#logError = throttledWarning(
      logger,
      'live events: Redis is unavailable; updates pause until it is back',
    );
    this.#local = new LocalListeners(hydrate, logger);
    this.#publisher = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    this.#publisher.on('error', (error) => this.#logError(error));
    if (!listen) return;
    this.#subscriber = new Redis(url, { maxRetriesPerRequest: null });
    this.#subscriber.on('error', (error) => this.#logError(error));
    this.#subscriber.on('message', (_channel: string, message: string) => {
      try {
        this.#local.deliver(JSON.parse(message) as BusEvent);
      } catch (error) {
        this.#logError(error);
      }
    });
  }

  static async connect(
    url: string,
    namespace: string,
    hydrate: EventHydrator,
    logger: Logger,
    options: { listen: boolean } = { listen: true },
  ): Promise<RedisEventBus> {
    const bus = new RedisEventBus(url, namespace, hydrate, logger, options.listen);
    try {
      await bus.#subscriber?.subscribe(bus.#channel);
    } catch (error) {
      await bus.close();
      throw error;
    }
    return bus;
  }

  publish(event: BusEvent): void {
    this.#publisher
      .publish(this.#channel, JSON.stringify(event))
      .catch((error: unknown) => this.#logError(error));
  }

  subscribe(listener: EventListener, filter?: EventFilter): () => void {
    return this.#local.subscribe(listener, filter);
  }

  hasListeners(runId: string, projectId: string): boolean {
    return this.#local.hasListeners(runId, projectId);
  }

  async close(): Promise<void> {
    this.#subscriber?.disconnect();
    this.#publisher.disconnect();
    await this.#local.settled();
  }
}
