import { dispatch } from './recovery.ts';
import type { AppContext } from '../app-context.ts';
import { insertArtifact, type ArtifactRecord } from '../artifacts/artifacts.repository.ts';
import { recordBaselineImage } from '../baselines/baseline-images.ts';
import type { BrowserPool } from '../capture/browser-pool.ts';
import { CaptureError } from '../capture/capture-error.ts';
import { captureExecution } from '../capture/capture-execution.ts';
import type { CaptureLogLine, CaptureResult } from '../capture/capture.types.ts';
import type { Conn } from '../db/connect.ts';
import { isDatabaseUnavailable } from '../db/errors.ts';
import { retryWhileDatabaseUnavailable } from '../db/outage.ts';
import type { ExecutionJob } from '../queue/queue.ts';
import { nowIso } from '../shared/clock.ts';
import type {
  EnvironmentDrift,
  EnvironmentDriftPolicy,
  ExecutionEnvironment,
} from '../shared/domain.ts';
import { invariant } from '../shared/errors.ts';
import { observeCaptureStep, timeComparison, type DiffResult } from '../metrics/metrics.ts';
import {
  ExecutionSetupError,
  ignoredRegionsOf,
  loadCaptureInputs,
  type CaptureInputs,
} from './capture-inputs.ts';
import {
  ComparisonError,
  compareWithBaseline,
  compareWithReference,
  comparedImageOf,
  type Comparison,
} from './compare-with-baseline.ts';
import { confirmChange } from './confirm-change.ts';
import { fileOwnerOf, writeCaptureFiles, writeFailureFiles } from './execution-artifacts.ts';
import { describeDrift, environmentDrift } from './environment-drift.ts';
import {
  claimExecution,
  completeRunningExecution,
  findExecution,
  incrementAttempt,
  requeueRunningExecution,
  type ExecutionOutcomeUpdate,
  type ExecutionRecord,
} from './executions.repository.ts';
import { cellLabel } from './cell-label.ts';
import type { ExecutionLeases } from './execution-leases.ts';
import type { ImageDiffer } from './image-differ.ts';
import {
  findExecutionAndRun,
  findExecutionAndRunLocking,
  lockRun,
  recordExecutionFailedWebhook,
  runTransaction,
  syncRunStatus,
} from './run-lifecycle.ts';
import type { NewRunLogLine } from './run.schema.ts';
import { findRun, type RunRecord } from './runs.repository.ts';

export interface ExecutorDeps {
  ctx: AppContext;
  pool: BrowserPool;
  differ: ImageDiffer;
  /** The leases of the executions this process runs, renewed by its heartbeat. */
  leases: ExecutionLeases;
  /** Attempts per execution, counting retries after transient browser faults. */
  maxAttempts: number;
  /** Record a Playwright trace of each capture (kept for failures and successes). */
  trace: boolean;
  /** Replaces the capture engine: only bench/scale/fake-worker.ts, to measure orchestration. */
  capture?: typeof captureExecution;
}

/** The attempt was abandoned: recorded as failed, cancelled or requeued, or already handled. */
class Discarded extends Error {
  override readonly name = 'Discarded';
}

/** The outcome being recorded is already stored (a retried commit had landed). */
class AlreadyRecorded extends Error {
  override readonly name = 'AlreadyRecorded';
}

/**
 * The job handler: runs one execution (DESIGN.md section 3) and records its outcome.
 * Idempotent: an execution that is not queued is skipped. Never throws for the execution's own
 * failures; they are recorded. Throws when the database is unavailable, after giving the
 * execution back to the queue: the queue runs the job again later.
 */
export async function executeJob(
  deps: ExecutorDeps,
  job: ExecutionJob,
  jobSignal: AbortSignal,
): Promise<void> {
  const claimed = await claim(deps, job.executionId);
  if (!claimed) return;
  deps.leases.hold(job.executionId);
  // The attempt now running: transient faults move it on.
  const current = { execution: claimed.execution };
  try {
    await runClaimedExecution(deps, claimed.run, current, jobSignal);
  } catch (error) {
    if (isDatabaseUnavailable(error)) {
      // The capture could not be prepared or its outcome recorded: give the attempt back once
      // the database answers again, and let the queue run the job again. Should the database
      // stay away longer than that, the heartbeat stops and any process takes the lease over.
      deps.ctx.logger.warn(
        { err: error, executionId: job.executionId },
        'database unavailable during an execution; it goes back to the queue',
      );
      await whileDatabaseUnavailable(deps, jobSignal, 'giving an execution back to the queue', () =>
        requeueInterrupted(deps.ctx, claimed.run, current.execution, 'database'),
      );
      throw error;
    }
    // A bug: fail the execution rather than leave it running.
    deps.ctx.logger.error({ err: error, executionId: job.executionId }, 'execution crashed');
    await whileDatabaseUnavailable(deps, jobSignal, 'recording a crashed execution', () =>
      recordFailure(deps, claimed.run, current.execution, describeFailure(error), []),
    );
  } finally {
    deps.leases.release(job.executionId);
  }
}

function whileDatabaseUnavailable<T>(
  deps: ExecutorDeps,
  signal: AbortSignal,
  what: string,
  work: () => Promise<T>,
): Promise<T> {
  return retryWhileDatabaseUnavailable(work, {
    logger: deps.ctx.logger,
    signal,
    // Within the lease: past it, another process may already have taken the execution over.
    giveUpAfterMs: deps.leases.options.leaseMs,
    what,
  });
}

async function runClaimedExecution(
  deps: ExecutorDeps,
  run: RunRecord,
  current: { execution: ExecutionRecord },
  jobSignal: AbortSignal,
): Promise<void> {
  const { ctx } = deps;
  let execution = current.execution;
  let inputs: CaptureInputs;
  try {
    inputs = await loadCaptureInputs(ctx.db, run.projectId, execution, { trace: deps.trace });
  } catch (error) {
    if (!(error instanceof ExecutionSetupError)) throw error;
    await recordFailure(deps, run, execution, { message: error.message }, []);
    return;
  }

  for (;;) {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort('timeout'), inputs.executionTimeoutMs);
    const signal = AbortSignal.any([jobSignal, timeout.signal]);
    const logLines: NewRunLogLine[] = [];
    const written: ArtifactRecord[] = [];
    let lastStep = 'none';
    const onLog = (line: CaptureLogLine): void => {
      observeCaptureStep(line);
      if (line.level !== 'error') lastStep = line.step;
      const runLine = toRunLogLine(line, execution.id);
      logLines.push(runLine);
      ctx.events.publish({
        type: 'run.log',
        projectId: run.projectId,
        runId: run.id,
        line: runLine,
      });
    };
    try {
      const capture = await (deps.capture ?? captureExecution)(deps.pool, inputs.request, {
        signal,
        onLog,
      });
      written.push(...(await writeCaptureFiles(ctx, fileOwnerOf(run, execution), capture)));
      const compared = await compareCapture(deps, run, execution, inputs, capture);
      // Confirm before flagging re-captures the page's own URL: a reference diff stands as is.
      const comparison =
        run.mode === 'reference'
          ? compared
          : await confirmChange(deps, { run, execution, inputs, capture, signal, onLog }, compared);
      if (comparison) written.push(...comparison.artifacts);
      signal.throwIfAborted();
      const drift = driftOf(comparison, capture, inputs.onEnvironmentDrift, onLog);
      if (drift.length > 0 && inputs.onEnvironmentDrift === 'fail') {
        const failure: FailureDescription = {
          message: `the rendering environment differs from the baseline image's (${describeDrift(drift)}); onEnvironmentDrift is fail: record a new baseline in this environment, or set the batch's onEnvironmentDrift to warn`,
          environment: capture.environment,
          environmentDrift: drift,
        };
        await whileDatabaseUnavailable(deps, jobSignal, 'recording a failed execution', () =>
          recordFailure(deps, run, execution, failure, logLines, written),
        );
        return;
      }
      await whileDatabaseUnavailable(deps, jobSignal, 'recording a finished execution', () =>
        recordSuccess(deps, run, execution, capture, written, comparison, logLines, drift),
      );
      return;
    } catch (error) {
      if (signal.aborted) {
        await ctx.artifacts.remove(written.map((a) => a.storageKey));
        const byTimeout = timeout.signal.aborted && !jobSignal.aborted;
        await recordAbort(deps, run, execution, {
          byTimeout,
          jobReason: jobSignal.reason,
          timeoutMs: inputs.executionTimeoutMs,
          lastStep,
          logLines,
          // A timeout keeps its evidence: the page as it was when time ran out, and the log.
          artifacts: byTimeout
            ? await writeFailureFiles(ctx, fileOwnerOf(run, execution), error)
            : [],
        });
        return;
      }
      if (error instanceof Discarded) {
        await ctx.artifacts.remove(written.map((a) => a.storageKey));
        return;
      }
      if (isDatabaseUnavailable(error)) {
        // Nothing of this attempt was recorded: its files go, executeJob re-queues it.
        await ctx.artifacts.remove(written.map((a) => a.storageKey));
        throw error;
      }
      if (
        error instanceof CaptureError &&
        error.kind === 'transient' &&
        execution.attempt < deps.maxAttempts
      ) {
        await ctx.artifacts.remove(written.map((a) => a.storageKey));
        const next = await retryAfterTransientFault(ctx, run, execution, error, logLines);
        if (!next) return;
        execution = next;
        current.execution = next;
        continue;
      }
      const failureFiles = await writeFailureFiles(ctx, fileOwnerOf(run, execution), error);
      const files = [...written, ...failureFiles];
      await whileDatabaseUnavailable(deps, jobSignal, 'recording a failed execution', () =>
        recordFailure(deps, run, execution, describeFailure(error), logLines, files),
      );
      return;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The capture compared as the run's mode asks, timed; none in a baseline run. */
async function compareCapture(
  deps: ExecutorDeps,
  run: RunRecord,
  execution: ExecutionRecord,
  inputs: CaptureInputs,
  capture: CaptureResult,
): Promise<Comparison | undefined> {
  if (run.mode === 'baseline') return undefined;
  const observed = comparedImageOf(capture.observed);
  const reference = capture.reference && comparedImageOf(capture.reference);
  const ignoreRegions = ignoredRegionsOf(inputs, capture);
  const options = { ignoreMoves: inputs.ignoreMoves };
  return timeComparison(
    () =>
      run.mode === 'reference'
        ? compareWithReference(
            deps.ctx,
            deps.differ,
            run,
            execution,
            reference,
            observed,
            ignoreRegions,
            options,
          )
        : compareWithBaseline(
            deps.ctx,
            deps.differ,
            run,
            execution,
            observed,
            ignoreRegions,
            options,
          ),
    comparisonResult,
  );
}

async function claim(
  deps: ExecutorDeps,
  executionId: string,
): Promise<{ run: RunRecord; execution: ExecutionRecord } | undefined> {
  const { ctx } = deps;
  return runTransaction(ctx, async (trx, changes) => {
    const unlocked = await findExecutionAndRun(trx, executionId);
    if (unlocked?.execution.status !== 'queued') return undefined;
    // A claim moves an execution from queued to running, so it cannot change the status of a
    // run that is already running (deriveRunStatus): then it needs neither the run's row lock
    // nor a count, and claims of one run's executions do not queue behind each other. The
    // conditional update below is what makes the claim exactly-once, and a cancel or a retry
    // that changes this execution meanwhile holds its row until it commits.
    const runStarted = unlocked.run.status === 'running';
    const found = runStarted ? unlocked : await findExecutionAndRunLocking(trx, executionId);
    if (found?.execution.status !== 'queued') return undefined;
    const { execution, run } = found;
    const now = nowIso();
    const lease = deps.leases.lease();
    if (!(await claimExecution(trx, executionId, now, lease))) return undefined;
    const claimed: ExecutionRecord = {
      ...execution,
      status: 'running',
      attempt: execution.attempt + 1,
      startedAt: now,
      owner: lease.owner,
      leaseExpiresAt: lease.until,
    };
    changes.log(run, {
      level: 'info',
      kind: 'started',
      executionId,
      message: `${cellLabel(claimed)}: started (attempt ${claimed.attempt})`,
    });
    changes.touchExecution(run, executionId);
    const synced = runStarted ? run : await syncRunStatus(trx, ctx, run.id, changes);
    return { run: synced, execution: claimed };
  });
}

async function retryAfterTransientFault(
  ctx: AppContext,
  run: RunRecord,
  execution: ExecutionRecord,
  error: CaptureError,
  logLines: NewRunLogLine[],
): Promise<ExecutionRecord | undefined> {
  return runTransaction(ctx, async (trx, changes) => {
    await lockRun(trx, run.id);
    changes.store(run, logLines);
    if (!(await incrementAttempt(trx, execution.id, execution.attempt))) return undefined;
    changes.log(run, {
      level: 'warn',
      kind: 'retry',
      executionId: execution.id,
      message: `${cellLabel(execution)}: ${error.message}; retrying with a fresh context (attempt ${execution.attempt + 1})`,
    });
    changes.touchExecution(run, execution.id);
    return { ...execution, attempt: execution.attempt + 1 };
  });
}

function toRunLogLine(line: CaptureLogLine, executionId: string): NewRunLogLine {
  return {
    at: line.at,
    level: line.level,
    kind: 'step',
    executionId,
    message: `${line.step}: ${line.message}${line.durationMs === undefined ? '' : ` (${line.durationMs} ms)`}`,
  };
}

interface FailureDescription {
  message: string;
  httpStatus?: number;
  environment?: ExecutionEnvironment;
  environmentDrift?: EnvironmentDrift[];
}

/**
 * Where the compare's environment differs from its baseline image's, logged as a warning;
 * nothing when the batch ignores drift.
 */
function driftOf(
  comparison: Comparison | undefined,
  capture: CaptureResult,
  policy: EnvironmentDriftPolicy,
  onLog: (line: CaptureLogLine) => void,
): EnvironmentDrift[] {
  if (!comparison || policy === 'ignore') return [];
  const drift = environmentDrift(comparison.baselineEnvironment, capture.environment);
  if (drift.length > 0) {
    onLog({
      at: nowIso(),
      level: policy === 'fail' ? 'error' : 'warn',
      step: 'environment',
      message: `rendered elsewhere than the baseline image (${describeDrift(drift)}); expect rendering differences`,
    });
  }
  return drift;
}

function describeFailure(error: unknown): FailureDescription {
  if (error instanceof CaptureError) {
    return {
      message: error.message,
      ...(error.httpStatus !== undefined && { httpStatus: error.httpStatus }),
    };
  }
  if (error instanceof ComparisonError) return { message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { message: `internal error while running the execution: ${message}` };
}

/**
 * Stores the outcome of the attempt that is running; false when it no longer runs (cancelled,
 * timed out or taken over meanwhile). A transaction retried after an outage whose commit had in
 * fact landed (the connection dropped before the acknowledgement) finds its own outcome stored:
 * it throws AlreadyRecorded, which rolls the repeat back and counts as done.
 */
async function completeAttempt(
  trx: Conn,
  execution: ExecutionRecord,
  outcome: ExecutionOutcomeUpdate,
): Promise<boolean> {
  if (await completeRunningExecution(trx, execution.id, execution.attempt, outcome)) return true;
  const stored = await findExecution(trx, execution.id);
  if (stored?.status === outcome.status && stored.attempt === execution.attempt) {
    throw new AlreadyRecorded();
  }
  return false;
}

async function recordSuccess(
  deps: ExecutorDeps,
  run: RunRecord,
  execution: ExecutionRecord,
  capture: CaptureResult,
  artifacts: ArtifactRecord[],
  comparison: Comparison | undefined,
  logLines: NewRunLogLine[],
  drift: EnvironmentDrift[],
): Promise<void> {
  const { ctx } = deps;
  const screenshot = artifacts.find((a) => a.kind === 'screenshot');
  invariant(screenshot, 'a successful capture stored its screenshot');
  try {
    await recordSuccessOnce(
      ctx,
      run,
      execution,
      capture,
      artifacts,
      screenshot,
      comparison,
      logLines,
      drift,
    );
  } catch (error) {
    if (!(error instanceof AlreadyRecorded)) throw error;
  }
}

function recordSuccessOnce(
  ctx: AppContext,
  run: RunRecord,
  execution: ExecutionRecord,
  capture: CaptureResult,
  artifacts: ArtifactRecord[],
  screenshot: ArtifactRecord,
  comparison: Comparison | undefined,
  logLines: NewRunLogLine[],
  drift: EnvironmentDrift[],
): Promise<void> {
  return runTransaction(ctx, async (trx, changes) => {
    await lockRun(trx, run.id);
    const now = nowIso();
    const outcome: ExecutionOutcomeUpdate = {
      status: 'finished',
      error: null,
      cancelReason: null,
      httpStatus: capture.observed.httpStatus,
      finalUrl: capture.observed.finalUrl,
      baselineEntryId: comparison?.baselineEntryId ?? null,
      diffPixels: comparison?.diffPixels ?? null,
      diffPercent: comparison?.diffPercent ?? null,
      diffLevel: comparison?.diffLevel ?? null,
      levelPercent: comparison?.levelPercent ?? null,
      diffDetails: comparison?.details ?? null,
      finishedAt: now,
      environment: capture.environment,
      environmentDrift: drift,
    };
    // Cancelled (or timed out) meanwhile: the transaction rolls back, the files go.
    if (!(await completeAttempt(trx, execution, outcome))) {
      throw new Discarded('the execution was cancelled while it finished');
    }
    for (const artifact of artifacts) await insertArtifact(trx, artifact);
    if (run.mode === 'baseline' && run.baselineId !== null) {
      await recordBaselineImage(
        trx,
        {
          baselineId: run.baselineId,
          matrixKey: execution.matrixKey,
          pageId: execution.pageId,
          taskId: execution.taskId,
          browser: execution.browser,
          viewportName: execution.viewport.name,
          artifactId: screenshot.id,
          sha256: screenshot.sha256,
          layoutArtifactId: artifacts.find((a) => a.kind === 'layout')?.id ?? null,
          sourceExecutionId: execution.id,
          approvedBy: null,
          environment: capture.environment,
        },
        now,
      );
    }
    changes.store(run, logLines);
    changes.log(run, {
      level: 'info',
      kind: 'finished',
      executionId: execution.id,
      message: `${cellLabel(execution)}: finished${describeComparison(comparison)}${drift.length > 0 ? `; rendered elsewhere than its baseline image (${describeDrift(drift)})` : ''}`,
    });
    changes.touchExecution(run, execution.id);
    await syncRunStatus(trx, ctx, run.id, changes);
  });
}

function comparisonResult(comparison: Comparison): DiffResult {
  if (comparison.details.noBaseline || comparison.details.noReference) return 'no_baseline';
  return comparison.details.identical ? 'identical' : 'computed';
}

function describeComparison(comparison: Comparison | undefined): string {
  if (!comparison) return ' (baseline image recorded)';
  if (comparison.details.noBaseline) return ' (no baseline image for this cell: approve to add it)';
  if (comparison.details.noReference) return ' (the page has no referenceUrl: nothing to compare)';
  const percent = comparison.diffPercent ?? 0;
  return ` (diff ${comparison.diffLevel ?? 'none'}, ${percent.toFixed(3)} % of pixels)`;
}

/** What an attempt that ended without a screenshot leaves of an outcome: nothing compared. */
const noResult = {
  finalUrl: null,
  baselineEntryId: null,
  diffPixels: null,
  diffPercent: null,
  diffLevel: null,
  diffDetails: null,
} as const satisfies Partial<ExecutionOutcomeUpdate>;

async function recordFailure(
  deps: ExecutorDeps,
  run: RunRecord,
  execution: ExecutionRecord,
  failure: FailureDescription,
  logLines: NewRunLogLine[],
  artifacts: ArtifactRecord[] = [],
): Promise<void> {
  const { ctx } = deps;
  try {
    await runTransaction(ctx, async (trx, changes) => {
      await lockRun(trx, run.id);
      const recorded = await completeAttempt(trx, execution, {
        status: 'failed',
        error: failure.message,
        cancelReason: null,
        httpStatus: failure.httpStatus ?? null,
        ...noResult,
        finishedAt: nowIso(),
        environment: failure.environment ?? null,
        environmentDrift: failure.environmentDrift ?? null,
      });
      if (!recorded) throw new Discarded('the execution was cancelled while it failed');
      for (const artifact of artifacts) await insertArtifact(trx, artifact);
      changes.store(run, logLines);
      changes.log(run, {
        level: 'error',
        kind: 'failure',
        executionId: execution.id,
        message: `${cellLabel(execution)}: failed: ${failure.message}`,
      });
      changes.touchExecution(run, execution.id);
      await recordExecutionFailedWebhook(trx, ctx, run, execution.id, changes);
      await syncRunStatus(trx, ctx, run.id, changes);
    });
  } catch (error) {
    if (error instanceof AlreadyRecorded) return;
    await ctx.artifacts.remove(artifacts.map((a) => a.storageKey));
    if (!(error instanceof Discarded)) throw error;
  }
}

async function recordAbort(
  deps: ExecutorDeps,
  run: RunRecord,
  execution: ExecutionRecord,
  abort: {
    byTimeout: boolean;
    jobReason: unknown;
    timeoutMs: number;
    lastStep: string;
    logLines: NewRunLogLine[];
    /** Stored with a timeout's outcome; removed when none is recorded. */
    artifacts: ArtifactRecord[];
  },
): Promise<void> {
  const { ctx } = deps;
  if (abort.byTimeout) {
    const recorded = await runTransaction(ctx, async (trx, changes) => {
      await lockRun(trx, run.id);
      const message = `timed out after ${abort.timeoutMs / 1000} s (executionTimeoutSeconds); last completed step: ${abort.lastStep}`;
      const recorded = await completeRunningExecution(trx, execution.id, execution.attempt, {
        status: 'cancelled',
        error: message,
        cancelReason: 'timeout',
        httpStatus: null,
        ...noResult,
        finishedAt: nowIso(),
      });
      if (!recorded) return false;
      for (const artifact of abort.artifacts) await insertArtifact(trx, artifact);
      changes.store(run, abort.logLines);
      changes.log(run, {
        level: 'error',
        kind: 'failure',
        executionId: execution.id,
        message: `${cellLabel(execution)}: cancelled: ${message}`,
      });
      changes.touchExecution(run, execution.id);
      await syncRunStatus(trx, ctx, run.id, changes);
      return true;
    }).catch(async (error: unknown) => {
      await ctx.artifacts.remove(abort.artifacts.map((a) => a.storageKey));
      throw error;
    });
    if (!recorded) await ctx.artifacts.remove(abort.artifacts.map((a) => a.storageKey));
    return;
  }
  await ctx.artifacts.remove(abort.artifacts.map((a) => a.storageKey));
  // Shutdown, or a cancellation: cancelRun/cancelExecution record `cancelled` before they abort
  // (and a deleted run has nothing left to record), so an attempt still running here was not
  // meant to stop: at shutdown it waits for the next start; after a user's or the deadline's
  // cancel, the abort was aimed at an earlier attempt (the cancel's abort arrived after a retry
  // had re-queued the execution) and it runs again.
  const why = abort.jobReason === 'shutdown' ? 'shutdown' : 'stale-cancel';
  const requeued = await requeueInterrupted(ctx, run, execution, why, abort.logLines);
  if (requeued) await dispatch(ctx, [{ executionId: execution.id, runId: run.id, requeued: true }]);
}

const interruptions = {
  shutdown: 'interrupted by a server shutdown; re-queued for the next start',
  database: 'the database was unavailable; re-queued',
  'stale-cancel': 'stopped by a cancellation that no longer applies (retried since); re-queued',
} as const;

/**
 * running → queued for the attempt that is running, giving the attempt back: the process, not
 * the page, stopped it. False when it no longer runs that attempt (cancelled, finished, taken
 * over, or its run deleted); the capture's streamed log lines are stored either way while the
 * run exists.
 */
async function requeueInterrupted(
  ctx: AppContext,
  run: RunRecord,
  execution: ExecutionRecord,
  why: keyof typeof interruptions,
  logLines: readonly NewRunLogLine[] = [],
): Promise<boolean> {
  return runTransaction(ctx, async (trx, changes) => {
    await lockRun(trx, run.id);
    if (!(await findRun(trx, run.id))) return false;
    changes.store(run, logLines);
    if (!(await requeueRunningExecution(trx, execution.id, execution.attempt))) return false;
    changes.log(run, {
      level: 'warn',
      kind: 'interrupted',
      executionId: execution.id,
      message: `${cellLabel(execution)}: ${interruptions[why]}`,
    });
    changes.touchExecution(run, execution.id);
    await syncRunStatus(trx, ctx, run.id, changes);
    return true;
  });
}
