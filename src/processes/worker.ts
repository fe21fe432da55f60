import type { Config } from '../config/config.ts';
import type { Logger } from '../shared/logger.ts';

export class WorkerUnavailableError extends Error {
  override readonly name = 'WorkerUnavailableError';
}

/**
 * `scene worker`: captures only, for scale-out. Workers in other processes need a shared queue
 * (SCENE_QUEUE_URL=redis://, BullMQ) and a shared database; this version has only the
 * in-process queue, whose jobs live inside `scene serve`. So the command refuses to start
 * rather than sit idle.
 */
export function worker(config: Config, _logger: Logger): Promise<void> {
  return Promise.reject(
    new WorkerUnavailableError(
      `scene worker needs a shared queue (SCENE_QUEUE_URL=redis://...), which is not available in this version ` +
        `(queue: ${config.queue.kind}). Run captures in \`scene serve\`, whose embedded worker ` +
        `(SCENE_EMBEDDED_WORKER=true, the default) takes up to settings.maxConcurrentExecutions executions at once.`,
    ),
  );
}
