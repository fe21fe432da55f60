import { describe, expect, it } from 'vitest';
import { decideRetry, defaultRetrySchedule, retryDelayMs } from './backoff.ts';

describe('webhook retry backoff', () => {
  it('grows exponentially up to the cap; jitter only ever shortens a delay', () => {
    const noJitter = () => 0;
    expect(
      [1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => retryDelayMs(n, defaultRetrySchedule, noJitter)),
    ).toEqual([
      5_000, 15_000, 45_000, 135_000, 405_000, 1_215_000, 3_645_000, 7_200_000, 7_200_000,
    ]);
    expect(retryDelayMs(1, defaultRetrySchedule, () => 1)).toBe(3_750);
    for (let i = 0; i < 100; i++) {
      const delay = retryDelayMs(3, defaultRetrySchedule);
      expect(delay).toBeGreaterThanOrEqual(33_750);
      expect(delay).toBeLessThanOrEqual(45_000);
    }
  });

  it('retries inside the window, pulls the last retry in to its end, then gives up', () => {
    const base = {
      queuedAtMs: 0,
      retryWindowMs: 100_000,
      schedule: defaultRetrySchedule,
      random: () => 0,
    };
    expect(decideRetry({ ...base, failedAttempts: 1, nowMs: 1_000 })).toEqual({
      kind: 'retry',
      atMs: 6_000,
    });
    expect(decideRetry({ ...base, failedAttempts: 4, nowMs: 90_000 })).toEqual({
      kind: 'retry',
      atMs: 100_000,
    });
    expect(decideRetry({ ...base, failedAttempts: 5, nowMs: 100_000 })).toEqual({
      kind: 'give-up',
    });
  });

  it('fits about 19 attempts into the default 24 hours', () => {
    let now = 0;
    let attempts = 0;
    for (;;) {
      attempts++;
      const decision = decideRetry({
        failedAttempts: attempts,
        queuedAtMs: 0,
        nowMs: now,
        retryWindowMs: 24 * 3_600_000,
        schedule: defaultRetrySchedule,
        random: () => 0,
      });
      if (decision.kind === 'give-up') break;
      now = decision.atMs;
    }
    expect(attempts).toBeGreaterThan(15);
    expect(attempts).toBeLessThan(25);
  });
});
