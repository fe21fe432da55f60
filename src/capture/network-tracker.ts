import type { CapturePage } from './capture-page.ts';
import { sleep } from '../shared/clock.ts';

/** Counts the page's requests in flight, so "network quiet" can be checked without sleeping. */
export class NetworkTracker {
  readonly #inflight = new Set<object>();
  #lastActivity = performance.now();

  constructor(page: Pick<CapturePage, 'onRequests'>) {
    page.onRequests({
      started: (request) => {
        this.#inflight.add(request);
        this.#lastActivity = performance.now();
      },
      settled: (request) => {
        this.#inflight.delete(request);
        this.#lastActivity = performance.now();
      },
    });
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
