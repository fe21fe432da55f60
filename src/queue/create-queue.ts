import type { QueueConfig } from '../config/config.ts';
import type { Logger } from '../shared/logger.ts';
import { BullmqQueue } from './bullmq-queue.ts';
import { InProcessQueue } from './in-process-queue.ts';
import type { Queue } from './queue.ts';

/**
 * The queue SCENE_QUEUE_URL names; an unreachable Redis fails the start with its URL. A shared
 * queue keeps to `namespace` (the installation's id), so installations sharing a Redis never take
 * each other's jobs.
 */
export async function createQueue(
  config: QueueConfig,
  namespace: string,
  logger: Logger,
): Promise<Queue> {
  switch (config.kind) {
    case 'in-process':
      return new InProcessQueue(logger);
    case 'bullmq':
      return BullmqQueue.connect(config.url, namespace, logger);
  }
}
