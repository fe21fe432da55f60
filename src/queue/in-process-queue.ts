import type { CancelReason } from '../shared/domain.ts';
import type { Logger } from '../shared/logger.ts';
import type { ExecutionJob, JobHandler, Queue, QueueConsumerOptions } from './queue.ts';

interface ActiveJob {
  job: ExecutionJob;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * First-in first-out jobs in this process, at most `concurrency` at once. Nothing survives the
 * process: the database is the durable record, and recovery re-enqueues what was left queued.
 */
export class InProcessQueue implements Queue {
  readonly kind = 'in-process';
  readonly #logger: Logger | undefined;
  readonly #waiting: ExecutionJob[] = [];
  /** Execution ids waiting, so that enqueuing an execution twice runs it once. */
  readonly #waitingIds = new Set<string>();
  readonly #active = new Map<string, ActiveJob>();
  readonly #deferred = new Set<string>();
  #handler: JobHandler | undefined;
  #concurrency = 1;
  #closed = false;

  constructor(logger?: Logger) {
    this.#logger = logger;
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
    const ids = new Set(executionIds);
    if (ids.size === 0) return Promise.resolve();
    for (let i = this.#waiting.length - 1; i >= 0; i--) {
      const job = this.#waiting[i];
      if (job && ids.has(job.executionId)) {
        this.#waiting.splice(i, 1);
        this.#waitingIds.delete(job.executionId);
      }
    }
    for (const id of ids) this.#deferred.delete(id);
    for (const id of ids) this.#active.get(id)?.controller.abort(reason);
    return Promise.resolve();
  }

  stats(): { waiting: number; active: number } {
    return { waiting: this.#waiting.length, active: this.#active.size };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#waiting.length = 0;
    this.#waitingIds.clear();
    this.#deferred.clear();
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
    } catch (error) {
      // Handlers record their own failures; reaching here is a bug, logged and contained.
      this.#logger?.error({ err: error, job }, 'execution job handler threw');
    }
  }
}
