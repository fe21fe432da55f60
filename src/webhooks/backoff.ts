/** Exponential backoff with jitter between attempts of one delivery. All durations in ms. */
export interface RetrySchedule {
  /** Delay after the first failed attempt. */
  initialDelayMs: number;
  /** Each further failure multiplies the delay by this. */
  multiplier: number;
  maxDelayMs: number;
  /** Fraction (0..1) of the delay removed at random, so failed deliveries do not retry in lockstep. */
  jitter: number;
}

/** 5 s, 15 s, 45 s, 2¼ min, 6¾ min, 20 min, 1 h, then every 2 h (each up to 25 % sooner). */
export const defaultRetrySchedule: RetrySchedule = Object.freeze({
  initialDelayMs: 5_000,
  multiplier: 3,
  maxDelayMs: 2 * 60 * 60 * 1000,
  jitter: 0.25,
});

export function retryDelayMs(
  failedAttempts: number,
  schedule: RetrySchedule,
  random: () => number = Math.random,
): number {
  const exponential =
    schedule.initialDelayMs * schedule.multiplier ** Math.max(0, failedAttempts - 1);
  const capped = Math.min(exponential, schedule.maxDelayMs);
  return Math.max(0, Math.round(capped * (1 - schedule.jitter * random())));
}

export type RetryDecision = { kind: 'retry'; atMs: number } | { kind: 'give-up' };

/**
 * After a failed attempt: retry on the schedule while inside the retry window (counted from
 * when the delivery was queued); the last retry is pulled in to the window's end, and a failure
 * at or after the end gives up.
 */
export function decideRetry(input: {
  failedAttempts: number;
  queuedAtMs: number;
  nowMs: number;
  retryWindowMs: number;
  schedule: RetrySchedule;
  random?: () => number;
}): RetryDecision {
  const deadline = input.queuedAtMs + input.retryWindowMs;
  if (input.nowMs >= deadline) return { kind: 'give-up' };
  const delay = retryDelayMs(input.failedAttempts, input.schedule, input.random);
  return { kind: 'retry', atMs: Math.min(input.nowMs + delay, deadline) };
}
