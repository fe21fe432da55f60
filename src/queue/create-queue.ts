import type { QueueConfig } from '../config/config.ts';
import type { Logger } from '../shared/logger.ts';
import { BullmqQueue } from './bullmq-queue.ts';
import { InProcessQueue } from './in-process-queue.ts';
import type { Queue } from './queue.ts';

/** The queue SCENE_QUEUE_URL names; an unreachable Redis fails the start with its URL. */
export async function createQueue(config: QueueConfig, logger: Logger): Promise<Queue> {
  switch (config.kind) {
    case 'in-process':
      return new InProcessQueue(logger);
    case 'bullmq':
      return BullmqQueue.connect(config.url, logger);
  }
}
