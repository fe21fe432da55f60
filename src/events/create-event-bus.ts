import type { QueueConfig } from '../config/config.ts';
import type { Logger } from '../shared/logger.ts';
import { InProcessEventBus, type EventBus, type EventHydrator } from './event-bus.ts';
import { RedisEventBus } from './redis-event-bus.ts';

/**
 * Live events go where the work is: in this process with the in-process queue, over the queue's
 * Redis when workers run elsewhere.
 */
export async function createEventBus(
  queue: QueueConfig,
  namespace: string,
  hydrate: EventHydrator,
  logger: Logger,
  options: { listen: boolean },
): Promise<EventBus> {
  switch (queue.kind) {
    case 'in-process':
      return new InProcessEventBus(hydrate, logger);
    case 'bullmq':
      return RedisEventBus.connect(queue.url, namespace, hydrate, logger, options);
  }
}
