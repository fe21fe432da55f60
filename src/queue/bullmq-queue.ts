import { randomUUID } from 'node:crypto';
import { redactUrlPassword } from '../shared/redact-url.ts';
import { throttledWarning } from '../shared/throttled-warning.ts';
import { Queue as BullQueue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { CancelReason } from '../shared/domain.ts';
import type { Logger } from '../shared/logger.ts';
import type { ExecutionJob, JobHandler, Queue, QueueConsumerOptions } from './queue.ts';

const queueName = 'executions';

export interface BullmqQueueOptions {
  /** Delay before a job whose handler threw runs again, doubled per failure up to maxRetryMs. */
  firstRetryMs?: number;
  maxRetryMs?: number;
  /** How long a worker's lock on a job lasts unless renewed (BullMQ renews it at half). */
  lockDurationMs?: number;
}

interface CancelMessage {
  executionIds: string[];
  reason: CancelReason;
}

/**
 * Executions wait in BullMQ on Redis, shared by every `scene serve` and `scene worker` process.
 * Redis holds jobs, not truth: the database says which executions are queued, and jobs only
 * name them (handlers skip executions no longer queued). So a job may be lost (Redis restarted
 * without persistence, Redis down when a run was launched) — `mayLoseJobs` makes the run engine
 * enqueue the queued executions again now and then; job ids are the execution ids, so a job
 * already waiting is not added twice. Cancellation reaches the process running the job through
 * Redis pub/sub. A killed worker's executions are taken over through their lease (the
 * database's), not BullMQ's stalled-job check, which only hands the job to a worker that then
 * finds the execution still `running` and skips it.
 */
export class BullmqQueue implements Queue {
  readonly kind = 'bullmq';
  readonly mayLoseJobs = true;
  readonly #url: string;
  /** Keys and channels of this installation (readInstallationId), apart from any other's. */
  readonly #prefix: string;
  readonly #cancelChannel: string;
  readonly #logger: Logger;
  readonly #redisError: (error: unknown) => void;
  readonly #options: Required<BullmqQueueOptions>;
  readonly #producer: BullQueue<ExecutionJob>;
  readonly #publisher: Redis;
  #subscriber: Redis | undefined;
  #worker: Worker<ExecutionJob> | undefined;
  /** Abort controllers of the handlers running in this process, by execution id. */
  readonly #active = new Map<string, Set<AbortController>>();
  #closed = false;

  private constructor(url: string, namespace: string, logger: Logger, options: BullmqQueueOptions) {
    this.#url = url;
    this.#prefix = `scene:${namespace}`;
    this.#cancelChannel = `${this.#prefix}:cancel`;
    this.#logger = logger;
    this.#redisError = throttledWarning(logger, 'Redis (the job queue) is unavailable; retrying');
    this.#options = {
      firstRetryMs: options.firstRetryMs ?? 500,
      maxRetryMs: options.maxRetryMs ?? 30_000,
      lockDurationMs: options.lockDurationMs ?? 30_000,
    };
    // Commands fail at once while Redis is unreachable (instead of waiting in ioredis's offline
    // queue), so an HTTP request never hangs on it; the database keeps the executions queued.
    this.#publisher = new Redis(url, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      lazyConnect: true,
    });
    this.#publisher.on('error', (error) => this.#redisError(error));
    this.#producer = new BullQueue<ExecutionJob>(queueName, {
      prefix: this.#prefix,
      connection: new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false }),
      defaultJobOptions: { removeOnComplete: true, removeOnFail: true },
    });
    this.#producer.on('error', (error) => this.#redisError(error));
  }

  /** Connects to Redis, or fails with a message naming the URL (start-up refuses to go on). */
  static async connect(
    url: string,
    namespace: string,
    logger: Logger,
    options: BullmqQueueOptions = {},
  ): Promise<BullmqQueue> {
    const queue = new BullmqQueue(url, namespace, logger, options);
    try {
      await queue.#publisher.connect();
      await queue.#publisher.ping();
      await queue.#producer.waitUntilReady();
    } catch (error) {
      await queue.close().catch(() => undefined);
      throw new Error(
        `cannot reach Redis at ${redactUrlPassword(url)} (SCENE_QUEUE_URL): ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    return queue;
  }

  async enqueue(jobs: readonly ExecutionJob[]): Promise<void> {
    if (this.#closed || jobs.length === 0) return;
    await this.#producer.addBulk(
      jobs.map((job) => ({
        name: 'execution',
        data: job,
        opts: {
          // One waiting job per execution: enqueuing it again while it waits adds nothing. A
          // re-queued execution's job gets an id of its own, as the job of the attempt that
          // stopped may still be held (locked by a dead worker); whichever runs second skips.
          jobId: job.requeued ? `${job.executionId}-${randomUUID()}` : job.executionId,
          attempts: Number.MAX_SAFE_INTEGER,
          backoff: { type: 'scene' },
        },
      })),
    );
  }

  consume(handler: JobHandler, options: QueueConsumerOptions): void {
    if (this.#worker) throw new Error('this queue already has a consumer');
    const { firstRetryMs, maxRetryMs } = this.#options;
    this.#worker = new Worker<ExecutionJob>(
      queueName,
      (job: Job<ExecutionJob>, _token?: string, signal?: AbortSignal) =>
        this.#run(handler, job, signal),
      {
        prefix: this.#prefix,
        connection: new Redis(this.#url, { maxRetriesPerRequest: null }),
        concurrency: Math.max(1, Math.floor(options.concurrency)),
        lockDuration: this.#options.lockDurationMs,
        settings: {
          // A handler throws only when the database was unavailable: try again, backing off.
          backoffStrategy: (attemptsMade: number) =>
            Math.min(maxRetryMs, firstRetryMs * 2 ** Math.max(0, attemptsMade - 1)),
        },
      },
    );
    this.#worker.on('error', (error) => this.#redisError(error));
    this.#worker.on('failed', (job, error) =>
      this.#logger.warn(
        { err: error, job: job?.data },
        'execution job failed; it runs again later',
      ),
    );
    this.#subscriber = new Redis(this.#url, { maxRetriesPerRequest: null });
    this.#subscriber.on('error', (error) => this.#redisError(error));
    this.#subscriber.on('message', (_channel: string, message: string) => this.#onCancel(message));
    this.#subscriber
      .subscribe(this.#cancelChannel)
      .catch((error: unknown) => this.#redisError(error));
  }

  setConcurrency(concurrency: number): void {
    if (this.#worker) this.#worker.concurrency = Math.max(1, Math.floor(concurrency));
  }

  async cancel(executionIds: readonly string[], reason: CancelReason): Promise<void> {
    if (executionIds.length === 0) return;
    const message: CancelMessage = { executionIds: [...executionIds], reason };
    // Reaches every process, this one included (its subscriber gets it too).
    await this.#publisher.publish(this.#cancelChannel, JSON.stringify(message));
  }

  stats(): { waiting: number; active: number } {
    let active = 0;
    for (const controllers of this.#active.values()) active += controllers.size;
    // Waiting jobs live in Redis, not in this process.
    return { waiting: 0, active };
  }

  async depth(): Promise<Record<string, number>> {
    // Finished jobs are removed at once (removeOnComplete/removeOnFail): not worth a count.
    return this.#producer.getJobCounts(
      'waiting',
      'active',
      'delayed',
      'prioritized',
      'waiting-children',
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const controllers of this.#active.values()) {
      for (const controller of controllers) controller.abort('shutdown' satisfies CancelReason);
    }
    // The worker waits for its handlers, which give their executions back (enqueuing them for
    // another worker through the producer, still open).
    await this.#worker?.close();
    this.#subscriber?.disconnect();
    await this.#producer.close();
    this.#publisher.disconnect();
  }

  async #run(
    handler: JobHandler,
    job: Job<ExecutionJob>,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const controller = new AbortController();
    const id = job.data.executionId;
    const controllers = this.#active.get(id) ?? new Set<AbortController>();
    controllers.add(controller);
    this.#active.set(id, controllers);
    try {
      const combined = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
      await handler(job.data, combined);
    } finally {
      controllers.delete(controller);
      if (controllers.size === 0) this.#active.delete(id);
    }
  }

  #onCancel(raw: string): void {
    let message: CancelMessage;
    try {
      message = JSON.parse(raw) as CancelMessage;
    } catch {
      return;
    }
    for (const id of message.executionIds) {
      for (const controller of this.#active.get(id) ?? []) controller.abort(message.reason);
    }
  }
}
