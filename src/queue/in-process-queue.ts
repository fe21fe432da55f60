import type { CancelReason } from '../shared/domain.ts';
import type { Logger } from '../shared/logger.ts';
import type { ExecutionJob, JobHandler, Queue, QueueConsumerOptions } from './queue.ts';

export interface InProcessQueueOptions {
  /** Delay before a job whose handler threw runs again, doubled per failure up to maxRetryMs. */
  firstRetryMs?: number;
  maxRetryMs?: number;
}

interface ActiveJob {
  job: ExecutionJob;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * First-in first-out jobs in this process, at most `concurrency` at once. Nothing survives the
 * process: the database is the durable record, and the next start dispatches what was left
 * queued. A job whose handler throws runs again after a backoff, until it does not.
 */
export class InProcessQueue implements Queue {
  readonly kind = 'in-process';
  /** Jobs live and die with this process; the next start dispatches what was left queued. */
  readonly mayLoseJobs = false;
  readonly #logger: Logger | undefined;
  readonly #waiting: ExecutionJob[] = [];
  /** Execution ids waiting, so that enqueuing an execution twice runs it once. */
  readonly #waitingIds = new Set<string>();
  readonly #active = new Map<string, ActiveJob>();
  readonly #deferred = new Set<string>();
  /** Consecutive handler failures per execution, and the timers that will run them again. */
  readonly #failures = new Map<string, number>();
  readonly #retryTimers = new Set<NodeJS.Timeout>();
  readonly #firstRetryMs: number;
  readonly #maxRetryMs: number;
  #handler: JobHandler | undefined;
  #concurrency = 1;
  #closed = false;

  constructor(logger?: Logger, options: InProcessQueueOptions = {}) {
    this.#logger = logger;
    this.#firstRetryMs = options.firstRetryMs ?? 500;
    this.#maxRetryMs = options.maxRetryMs ?? 30_000;
  }

  enqueue(jobs: readonly ExecutionJob[]): Promise<void> {
    if (this.#closed) return Promise.resolve();
    for (const job of jobs) {
      if (this.#waitingIds.has(job.executionId)) continue;
      this.#waitingIds.add(job.executionId);
      this.#waiting.push(job);
    }
    this.#pump();
    return Promise.resolve();
  }

  consume(handler: JobHandler, options: QueueConsumerOptions): void {
    if (this.#handler) throw new Error('this queue already has a consumer');
    this.#handler = handler;
    this.setConcurrency(options.concurrency);
  }

  setConcurrency(concurrency: number): void {
    this.#concurrency = Math.max(1, Math.floor(concurrency));
    this.#pump();
  }

  cancel(executionIds: readonly string[], reason: CancelReason): Promise<void> {
    for (const id of executionIds) this.#active.get(id)?.controller.abort(reason);
    return Promise.resolve();
  }

  stats(): { waiting: number; active: number } {
    return { waiting: this.#waiting.length, active: this.#active.size };
  }

  depth(): Promise<Record<string, number>> {
    return Promise.resolve(this.stats());
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#waiting.length = 0;
    this.#waitingIds.clear();
    this.#deferred.clear();
    for (const timer of this.#retryTimers) clearTimeout(timer);
    this.#retryTimers.clear();
    const active = [...this.#active.values()];
    for (const entry of active) entry.controller.abort('shutdown' satisfies CancelReason);
    await Promise.allSettled(active.map((entry) => entry.done));
  }

  #pump(): void {
    const handler = this.#handler;
    if (!handler || this.#closed) return;
    while (this.#active.size < this.#concurrency) {
      const job = this.#waiting.shift();
      if (!job) return;
      this.#waitingIds.delete(job.executionId);
      if (this.#active.has(job.executionId)) {
        // Re-queued (retried) while its cancelled run still settles: run it after that one.
        this.#deferred.add(job.executionId);
        continue;
      }
      const controller = new AbortController();
      const done = this.#run(handler, job, controller.signal).finally(() => {
        this.#active.delete(job.executionId);
        if (this.#deferred.delete(job.executionId)) void this.enqueue([job]);
        this.#pump();
      });
      this.#active.set(job.executionId, { job, controller, done });
    }
  }

  async #run(handler: JobHandler, job: ExecutionJob, signal: AbortSignal): Promise<void> {
    try {
      await handler(job, signal);
      this.#failures.delete(job.executionId);
    } catch (error) {
      // Handlers record the executions' own failures; a throw means the outcome could not be
      // stored (the database was unavailable). The job is idempotent: run it again later.
      if (this.#closed) return;
      const failures = (this.#failures.get(job.executionId) ?? 0) + 1;
      this.#failures.set(job.executionId, failures);
      const delayMs = Math.min(this.#maxRetryMs, this.#firstRetryMs * 2 ** (failures - 1));
      this.#logger?.warn(
        { err: error, job, failures, retryInMs: delayMs },
        'execution job failed; it runs again later',
      );
      const timer = setTimeout(() => {
        this.#retryTimers.delete(timer);
        void this.enqueue([job]);
      }, delayMs);
      this.#retryTimers.add(timer);
    }
  }
}
