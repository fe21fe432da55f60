import type { AppContext } from '../app-context.ts';
import { nowIso } from '../shared/clock.ts';
import { invariant } from '../shared/errors.ts';
import {
  failExecutionRow,
  listExecutionIdsInStatus,
  listExpiredLeases,
  requeueExecutionRows,
} from './executions.repository.ts';
import { cellLabel } from './cell-label.ts';
import type { ExecutionLeases } from './execution-leases.ts';
import type { ExecutionJob } from '../queue/queue.ts';
import {
  findExecutionLockingRun,
  recordExecutionFailedWebhook,
  runTransaction,
  syncRunStatus,
} from './run-lifecycle.ts';
import { findRun } from './runs.repository.ts';

export interface TakeoverReport {
  /** Left `running` by a process whose lease expired; queued again. */
  requeued: number;
  /** Left `running` with no attempts left; failed. */
  failed: number;
}

/**
 * Takes over the running executions whose owner is gone: their lease expired, so the process
 * that claimed them died, hangs or lost the database for longer than a lease. Each is re-queued
 * (the attempt counts) or failed once its attempts are spent, and handed to the queue. Executions
 * with a live lease — running in this process or any other — are never touched, so a process that
 * merely starts (or fails to start) disturbs nothing. Every process with a run engine calls this
 * at start and then periodically.
 */
export async function takeOverExpiredExecutions(
  ctx: AppContext,
  input: { maxAttempts: number; leases?: ExecutionLeases | undefined },
): Promise<TakeoverReport> {
  const report: TakeoverReport = { requeued: 0, failed: 0 };
  const requeued: ExecutionJob[] = [];
  for (const expired of await listExpiredLeases(ctx.db, nowIso())) {
    // Ours and still being handled: the heartbeat missed (a database blip), the handler did not.
    if (input.leases?.holds(expired.id)) continue;
    await runTransaction(ctx, async (trx, changes) => {
      const execution = await findExecutionLockingRun(trx, expired.id);
      // Re-read under the run's lock: finished, renewed or taken over by another process meanwhile.
      if (execution?.status !== 'running') return;
      if (execution.leaseExpiresAt !== null && execution.leaseExpiresAt >= nowIso()) return;
      const run = await findRun(trx, execution.runId);
      invariant(run, `run of execution ${execution.id} exists`);
      if (execution.attempt < input.maxAttempts) {
        await requeueExecutionRows(trx, [execution.id], { adjust: 0 });
        changes.log(run, {
          level: 'warn',
          kind: 'recovery',
          executionId: execution.id,
          message: `${cellLabel(execution)}: the process running attempt ${execution.attempt} stopped (its lease expired); re-queued`,
        });
        requeued.push({ executionId: execution.id, runId: run.id, requeued: true });
        report.requeued++;
      } else {
        const message = `the process running this capture stopped ${execution.attempt} time(s); giving up after ${input.maxAttempts} attempts`;
        await failExecutionRow(trx, execution.id, message, nowIso());
        changes.log(run, {
          level: 'error',
          kind: 'failure',
          executionId: execution.id,
          message: `${cellLabel(execution)}: failed: ${message}`,
        });
        await recordExecutionFailedWebhook(trx, ctx, run, execution.id, changes);
        report.failed++;
      }
      changes.touchExecution(run, execution.id);
      await syncRunStatus(trx, ctx, run.id, changes);
    });
  }
  await dispatch(ctx, requeued);
  return report;
}

/**
 * At start: hands every queued execution to the queue. The in-process queue lives and dies
 * with its process, so what a stopped process held is only in the database. Enqueuing an
 * execution another live process also holds is harmless: only one claim succeeds.
 */
export async function dispatchQueuedExecutions(ctx: AppContext): Promise<number> {
  const queued = await listExecutionIdsInStatus(ctx.db, 'queued');
  await dispatch(
    ctx,
    queued.map((e) => ({ executionId: e.id, runId: e.runId })),
  );
  return queued.length;
}

/**
 * Hands queued executions to the queue, after the commit that queued them. A queue that may
 * lose jobs may also be down: the executions stay queued in the database and the run engine
 * hands them over again once it is back (Queue.mayLoseJobs), so the change that queued them
 * does not fail.
 */
export async function dispatch(ctx: AppContext, jobs: readonly ExecutionJob[]): Promise<void> {
  try {
    await ctx.queue.enqueue(jobs);
  } catch (error) {
    if (!ctx.queue.mayLoseJobs) throw error;
    ctx.logger.warn(
      { err: error, executions: jobs.length },
      'the queue is unavailable: the executions stay queued and are dispatched once it is back',
    );
  }
}
