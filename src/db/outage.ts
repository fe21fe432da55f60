import { sleep } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import { isDatabaseUnavailable } from './errors.ts';

export interface OutageRetryOptions {
  logger: Logger;
  /** Stops retrying (the last error is thrown) when this aborts, e.g. at shutdown. */
  signal?: AbortSignal;
  /** Give up after this long; what then stays undone is left to the execution lease. */
  giveUpAfterMs?: number;
  /** What is being written, for the log. */
  what: string;
}

const firstDelayMs = 200;
const maxDelayMs = 5_000;

/**
 * Runs `work` until it succeeds, trying again with backoff while the database is unavailable
 * (refused or dropped connections). Any other error is thrown at once. For writes that must
 * not be lost to a short outage, such as the outcome of a capture that already ran.
 */
export async function retryWhileDatabaseUnavailable<T>(
  work: () => Promise<T>,
  options: OutageRetryOptions,
): Promise<T> {
  const giveUpAt = Date.now() + (options.giveUpAfterMs ?? 5 * 60_000);
  for (let delay = firstDelayMs; ; delay = Math.min(maxDelayMs, delay * 2)) {
    try {
      return await work();
    } catch (error) {
      if (!isDatabaseUnavailable(error) || options.signal?.aborted || Date.now() >= giveUpAt) {
        throw error;
      }
      options.logger.warn(
        { err: error, retryInMs: delay },
        `database unavailable while ${options.what}; trying again`,
      );
      try {
        await sleep(delay, options.signal);
      } catch {
        throw error;
      }
    }
  }
}
