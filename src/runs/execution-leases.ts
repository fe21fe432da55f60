import type { AppContext } from '../app-context.ts';
import { isoAfter } from '../shared/clock.ts';
import { invariant } from '../shared/errors.ts';
import { renewLeases, type Lease } from './executions.repository.ts';

export interface LeaseOptions {
  /** How long a claim or a heartbeat holds an execution. Default 30 s. */
  leaseMs: number;
  /** How often the leases of the executions this process runs are renewed. Default leaseMs/3. */
  heartbeatMs: number;
}

export function leaseOptions(overrides: Partial<LeaseOptions> = {}): LeaseOptions {
  const leaseMs = overrides.leaseMs ?? 30_000;
  const options = { leaseMs, heartbeatMs: overrides.heartbeatMs ?? Math.floor(leaseMs / 3) };
  // Two heartbeats may fail (a database blip) before another process may take over.
  invariant(options.heartbeatMs * 2 < leaseMs, 'the heartbeat must beat at least twice per lease');
  return options;
}

/**
 * The executions this process is running, and the heartbeat that keeps their leases: an
 * execution stays ours while we renew it; once we stop (the handler ended, the process died or
 * hangs), its lease expires and any process may take it over (takeOverExpiredExecutions).
 */
export class ExecutionLeases {
  readonly options: LeaseOptions;
  readonly #ctx: Pick<AppContext, 'db' | 'logger' | 'instanceId'>;
  readonly #held = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #beating: Promise<void> = Promise.resolve();

  constructor(
    ctx: Pick<AppContext, 'db' | 'logger' | 'instanceId'>,
    options: Partial<LeaseOptions> = {},
  ) {
    this.#ctx = ctx;
    this.options = leaseOptions(options);
  }

  /** A fresh lease for a claim by this process. */
  lease(): Lease {
    return { owner: this.#ctx.instanceId, until: isoAfter(this.options.leaseMs) };
  }

  hold(executionId: string): void {
    this.#held.add(executionId);
  }

  release(executionId: string): void {
    this.#held.delete(executionId);
  }

  holds(executionId: string): boolean {
    return this.#held.has(executionId);
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      this.#beating = this.#beating.then(() => this.#heartbeat());
    }, this.options.heartbeatMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#beating;
  }

  async #heartbeat(): Promise<void> {
    if (this.#held.size === 0) return;
    try {
      await renewLeases(this.#ctx.db, [...this.#held], this.lease());
    } catch (error) {
      // A missed beat is harmless while the next one lands before the lease ends.
      this.#ctx.logger.warn({ err: error }, 'could not renew execution leases');
    }
  }
}
