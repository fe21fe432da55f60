import type { Page, Request } from 'playwright-core';
import { sleep } from '../shared/clock.ts';

/** Counts the page's requests in flight, so "network quiet" can be checked without sleeping. */
export class NetworkTracker {
  readonly #inflight = new Set<Request>();
  #lastActivity = performance.now();

  constructor(page: Page) {
    page.on('request', (request) => {
      this.#inflight.add(request);
      this.#lastActivity = performance.now();
    });
    const settle = (request: Request): void => {
      this.#inflight.delete(request);
      this.#lastActivity = performance.now();
    };
    page.on('requestfinished', settle);
    page.on('requestfailed', settle);
  }

  get inflight(): number {
    return this.#inflight.size;
  }

  /** When a request last started or ended (performance.now() time). */
  get lastActivity(): number {
    return this.#lastActivity;
  }

  isQuiet(quietMs: number): boolean {
    return this.#inflight.size === 0 && performance.now() - this.#lastActivity >= quietMs;
  }

  /**
   * Resolves true once no request has been in flight for `quietMs` (at once when that is
   * already the case), or false when `timeoutMs` passes first.
   */
  async waitForQuiet(quietMs: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const now = performance.now();
      const quietFor = now - this.#lastActivity;
      if (this.#inflight.size === 0 && quietFor >= quietMs) return true;
      if (now >= deadline) return false;
      const untilQuiet = this.#inflight.size === 0 ? quietMs - quietFor : quietMs;
      await sleep(Math.max(5, Math.min(untilQuiet, 50, deadline - now)), signal);
    }
  }
}
