import type { AppContext } from '../app-context.ts';
import { BrowserPool } from '../capture/browser-pool.ts';
import { CaptureError } from '../capture/capture-error.ts';
import { findChromium } from '../capture/find-chromium.ts';
import { getEffectiveSettings } from '../settings/settings.service.ts';
import { nowIso } from '../shared/clock.ts';
import { AppError } from '../shared/errors.ts';
import { cancelRun } from './cancel.ts';
import { executeJob, type ExecutorDeps } from './execute.ts';
import { createDiffPool } from '../diff/index.ts';
import type { ImageDiffer } from './image-differ.ts';
import { ExecutionLeases, type LeaseOptions } from './execution-leases.ts';
import {
  dispatchQueuedExecutions,
  takeOverExpiredExecutions,
  type TakeoverReport,
} from './recovery.ts';
import { findOverdueRunIds } from './runs.repository.ts';
import { applyRetention } from '../retention/retention.service.ts';
import { noteLaunchedChromium } from '../metrics/versions.ts';

export interface RunEngineOptions {
  /** Run captures in this process (SCENE_EMBEDDED_WORKER); otherwise only deadlines and takeover. */
  embeddedWorker: boolean;
  /** Attempts per execution, counting retries after transient browser faults. Default 3. */
  maxAttempts?: number;
  /** Record a Playwright trace of every capture (a few KiB, little time). Default true. */
  trace?: boolean;
  /**
   * How often run deadlines, expired execution leases and the concurrency setting are checked.
   * Default 1000 ms.
   */
  checkIntervalMs?: number;
  /** Execution leases; default SCENE_EXECUTION_LEASE_SECONDS, renewed every third of it. */
  lease?: Partial<LeaseOptions>;
  /** The image differ; default the diff engine's worker-thread pool. */
  differ?: ImageDiffer;
  /** The browser pool; default one for this process (closed by stop() either way). */
  pool?: BrowserPool;
  /**
   * Replaces the capture engine; the browser is then not launched. Only for
   * bench/scale/fake-worker.ts, which measures orchestration with a fixed-time fake capture.
   */
  capture?: ExecutorDeps['capture'];
}

export interface RunEngine {
  /** What the first takeover at start found, and how many queued executions it dispatched. */
  readonly recovery: TakeoverReport & { dispatched: number };
  /**
   * Graceful stop: no new jobs; running captures are aborted with reason 'shutdown' and their
   * executions go back to `queued` (not `cancelled`), so the next start finishes the runs.
   */
  stop(): Promise<void>;
}

const defaultMaxAttempts = 3;
/** How often queued executions are handed to a queue that may lose jobs (Queue.mayLoseJobs). */
const redispatchIntervalMs = 5_000;
/** How often retention applies the projects' settings (and collects unreferenced files). */
const retentionIntervalMs = 60 * 60_000;
/** The first retention pass, shortly after start rather than an hour later. */
const firstRetentionAfterMs = 60_000;

/**
 * Starts what makes runs progress in this process: takeover of executions whose owner is gone
 * (expired leases) and dispatch of queued ones, the embedded worker (browser pool, capture,
 * diff) consuming the queue with its lease heartbeat, and the periodic check of run deadlines
 * and expired leases. Call it once the process holds its port: a process that fails to start
 * must not have touched anything.
 */
export async function startRunEngine(
  ctx: AppContext,
  options: RunEngineOptions,
): Promise<RunEngine> {
  const maxAttempts = options.maxAttempts ?? defaultMaxAttempts;
  let pool: BrowserPool | undefined;
  let differ: ImageDiffer | undefined;
  const leases = new ExecutionLeases(ctx, {
    leaseMs: ctx.config.executionLeaseSeconds * 1000,
    ...options.lease,
  });

  const takeover = await takeOverExpiredExecutions(ctx, { maxAttempts, leases });
  const recovery = { ...takeover, dispatched: await dispatchQueuedExecutions(ctx) };
  if (recovery.requeued + recovery.failed + recovery.dispatched > 0) {
    ctx.logger.info(recovery, 'took over executions whose process stopped; dispatched queued ones');
  }

  if (options.embeddedWorker) {
    try {
      findChromium(ctx.config.chromiumPath);
    } catch (error) {
      // Serve anyway (the UI and API work); every execution fails with this same message.
      if (!(error instanceof CaptureError)) throw error;
      ctx.logger.error(`captures will fail: ${error.message}`);
    }
    pool =
      options.pool ??
      new BrowserPool({
        ...(ctx.config.chromiumPath !== undefined && { chromiumPath: ctx.config.chromiumPath }),
        logger: ctx.logger,
      });
    // Diffs run on a worker thread: a large comparison never stalls HTTP or cancellations.
    // One is enough: a diff takes a fraction of a capture's time, and each thread costs its
    // own heap (bench/capture/run-memory.ts).
    differ = options.differ ?? createDiffPool({ size: 1 });
    const deps: ExecutorDeps = {
      ctx,
      pool,
      differ,
      leases,
      maxAttempts,
      trace: options.trace ?? true,
      ...(options.capture && { capture: options.capture }),
    };
    // Launched now rather than by the first execution, whose timeout would include it.
    if (!options.capture) {
      pool
        .acquire('chromium')
        .then((browser) => noteLaunchedChromium(browser.version()))
        .catch(() => undefined);
    }
    leases.start();
    const settings = await getEffectiveSettings(ctx.db);
    ctx.queue.consume((job, signal) => executeJob(deps, job, signal), {
      concurrency: settings.maxConcurrentExecutions,
    });
  } else if (ctx.queue.kind === 'in-process') {
    ctx.logger.warn(
      'SCENE_EMBEDDED_WORKER=false with the in-process queue: no process runs captures, runs stay queued',
    );
  }

  let checking: Promise<void> = Promise.resolve();
  let nextRedispatch = Date.now() + redispatchIntervalMs;
  let nextRetention = Date.now() + firstRetentionAfterMs;
  let retaining: Promise<void> = Promise.resolve();
  // Its own chain: a long pass must not hold up deadlines and lease takeover. Safe in every
  // process at once (runs are deleted under their row lock; blobs under theirs).
  const retain = (): void => {
    if (Date.now() < nextRetention) return;
    nextRetention = Date.now() + retentionIntervalMs;
    retaining = retaining.then(async () => {
      try {
        await applyRetention(ctx);
      } catch (error) {
        ctx.logger.error({ err: error }, 'retention pass failed');
      }
    });
  };
  const check = async (): Promise<void> => {
    try {
      for (const runId of await findOverdueRunIds(ctx.db, nowIso())) {
        await cancelRun(ctx, runId, 'timeout', 'system').catch((error: unknown) => {
          // Ended on its own meanwhile: nothing to cancel.
          if (!(error instanceof AppError && error.code === 'conflict')) throw error;
        });
      }
      if (ctx.queue.mayLoseJobs && Date.now() >= nextRedispatch) {
        nextRedispatch = Date.now() + redispatchIntervalMs;
        await dispatchQueuedExecutions(ctx);
      }
      const takenOver = await takeOverExpiredExecutions(ctx, { maxAttempts, leases });
      if (takenOver.requeued + takenOver.failed > 0) {
        ctx.logger.warn(takenOver, 'took over executions whose lease expired');
      }
      if (options.embeddedWorker) {
        const settings = await getEffectiveSettings(ctx.db);
        ctx.queue.setConcurrency(settings.maxConcurrentExecutions);
      }
    } catch (error) {
      ctx.logger.error({ err: error }, 'run deadline and lease check failed');
    }
  };
  const timer = setInterval(() => {
    checking = checking.then(check);
    retain();
  }, options.checkIntervalMs ?? 1000);
  timer.unref();

  return {
    recovery,
    async stop() {
      clearInterval(timer);
      await checking;
      await retaining;
      // Handlers give their executions back to the queue before their leases stop being kept.
      await ctx.queue.close();
      await leases.stop();
      await pool?.close();
      await differ?.close();
    },
  };
}
