/**
 * Failed logins per account and per address in a sliding window (SCENE_LOGIN_WINDOW_SECONDS):
 * past the limit, logins are refused (429) without checking the password until the window
 * has passed. In memory: each `scene serve` process counts its own.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly windowMs: number,
    private readonly perAccount = 10,
    private readonly perAddress = 50,
  ) {}

  /** Seconds until a login for this account from this address is allowed again; 0: now. */
  retryAfterSeconds(account: string, address: string, now = Date.now()): number {
    const wait = (key: string, limit: number): number => {
      const times = this.recent(key, now);
      if (times.length < limit) return 0;
      const oldest = times[times.length - limit] ?? now;
      return Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000));
    };
    return Math.max(
      wait(`account:${account}`, this.perAccount),
      wait(`address:${address}`, this.perAddress),
    );
  }

  recordFailure(account: string, address: string, now = Date.now()): void {
    for (const key of [`account:${account}`, `address:${address}`]) {
      this.failures.set(key, [...this.recent(key, now), now]);
    }
  }

  private recent(key: string, now: number): number[] {
    const times = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (times.length === 0) this.failures.delete(key);
    else this.failures.set(key, times);
    return times;
  }
}
