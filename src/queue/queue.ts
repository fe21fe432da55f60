import type { CancelReason } from '../shared/domain.ts';

/** A job names the execution to run; everything else is read from the database when it runs. */
export interface ExecutionJob {
  executionId: string;
  runId: string;
  /**
   * Re-queued from an attempt whose process stopped or died: that process's job may still be
   * held in the queue (a dead BullMQ worker's job stays locked until the stalled-job check), so
   * this job must not be taken for it and dropped as a duplicate.
   */
  requeued?: true;
}

/**
 * Runs one job. `signal` aborts when the job is cancelled (reason: a CancelReason string) or the
 * queue shuts down (reason 'shutdown'). Handlers are idempotent: a job whose execution is no
 * longer queued is skipped, so enqueuing twice is harmless. A handler that throws (the database
 * was unavailable) is run again later: the queue never drops a job on an error.
 */
export type JobHandler = (job: ExecutionJob, signal: AbortSignal) => Promise<void>;

export interface QueueConsumerOptions {
  /** Jobs run at once in this process (settings.maxConcurrentExecutions). */
  concurrency: number;
}

/**
 * Where executions wait for a worker. The in-process queue is the embedded default; a BullMQ
 * implementation (SCENE_QUEUE_URL=redis://) fits the same interface: enqueue adds jobs, consume
 * starts a worker, cancel reaches the process running the job (Redis pub/sub there).
 */
export interface Queue {
  readonly kind: string;
  /**
   * Whether jobs can be lost while their executions stay queued in the database (a queue in
   * another service: down when a run was launched, or restarted without persistence). The run
   * engine then enqueues every queued execution again now and then; an execution already
   * waiting is not added twice, and only one claim of an execution succeeds.
   */
  readonly mayLoseJobs: boolean;
  enqueue(jobs: readonly ExecutionJob[]): Promise<void>;
  /** Starts taking jobs in this process; one consumer per queue. */
  consume(handler: JobHandler, options: QueueConsumerOptions): void;
  setConcurrency(concurrency: number): void;
  /**
   * Aborts the running handlers of these executions with `reason`. Waiting jobs stay: they are
   * skipped when taken, as their executions are no longer queued. (Dropping them would let a
   * cancel that lands after a retry re-queued the execution lose the retry's job.)
   */
  cancel(executionIds: readonly string[], reason: CancelReason): Promise<void>;
  /** Jobs waiting and running in this process, for diagnostics and tests. */
  stats(): { waiting: number; active: number };
  /**
   * Jobs by state where the queue keeps them, for /metrics: the shared queue's counts in Redis
   * (BullMQ's states: waiting, active, delayed, …), or this process's waiting and active jobs.
   */
  depth(): Promise<Record<string, number>>;
  /**
   * Stops taking jobs, aborts running handlers with reason 'shutdown' and waits for them to
   * settle. Waiting jobs are dropped: they stay `queued` in the database and are dispatched
   * again at the next start.
   */
  close(): Promise<void>;
}
