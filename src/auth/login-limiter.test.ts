import { describe, expect, it } from 'vitest';
import { LoginLimiter } from './login-limiter.ts';

describe('LoginLimiter', () => {
  it('limits one account after 10 failures in the window, until the oldest leaves it', () => {
    const limiter = new LoginLimiter(60_000);
    for (let i = 0; i < 10; i++) {
      expect(limiter.retryAfterSeconds('a@x', '1.1.1.1', 1000 + i)).toBe(0);
      limiter.recordFailure('a@x', '1.1.1.1', 1000 + i);
    }
    expect(limiter.retryAfterSeconds('a@x', '1.1.1.1', 2000)).toBe(59);
    expect(limiter.retryAfterSeconds('b@x', '1.1.1.1', 2000)).toBe(0);
    expect(limiter.retryAfterSeconds('a@x', '1.1.1.1', 61_001)).toBe(0);
  });

  it('limits one address after 50 failures across accounts', () => {
    const limiter = new LoginLimiter(60_000);
    for (let i = 0; i < 50; i++) limiter.recordFailure(`user${i}@x`, '2.2.2.2', 5000);
    expect(limiter.retryAfterSeconds('new@x', '2.2.2.2', 5000)).toBe(60);
    expect(limiter.retryAfterSeconds('new@x', '3.3.3.3', 5000)).toBe(0);
  });
});
