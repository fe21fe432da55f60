import type { Logger } from './logger.ts';

/**
 * A warning logged at most once per `everyMs` (errors of a client that reports every
 * reconnection attempt, such as ioredis while Redis is down).
 */
export function throttledWarning(
  logger: Logger,
  message: string,
  everyMs = 10_000,
): (error: unknown) => void {
  let last = 0;
  return (error) => {
    if (Date.now() - last < everyMs) return;
    last = Date.now();
    logger.warn({ err: error }, message);
  };
}
