import type { AppContext } from '../app-context.ts';
import { nowIso } from '../shared/clock.ts';
import { invariant } from '../shared/errors.ts';
import {
  failExecutionRow,
  listExecutionsInStatus,
  requeueExecutionRows,
} from './executions.repository.ts';
import { cellLabel } from './cell-label.ts';
import {
  findExecutionLockingRun,
  recordExecutionFailedWebhook,
  runTransaction,
  syncRunStatus,
} from './run-lifecycle.ts';
import { findRun } from './runs.repository.ts';

export interface RecoveryReport {
  /** Left `running` by a process that died; queued again. */
  requeued: number;
  /** Left `running` with no attempts left; failed. */
  failed: number;
  /** Queued executions handed to the queue. */
  dispatched: number;
}

/**
 * At start, before taking jobs: nothing this process could be running is still `running`, so
 * those executions belong to a process that died. Each is re-queued (attempt kept) or failed
 * once its attempts are spent; then every queued execution is dispatched again, since the
 * in-process queue did not survive. With a shared queue (BullMQ) this is the job of its
 * stalled-job check instead, as other workers may be alive.
 */
export async function recoverExecutions(
  ctx: AppContext,
  maxAttempts: number,
): Promise<RecoveryReport> {
  const report: RecoveryReport = { requeued: 0, failed: 0, dispatched: 0 };
  const orphans = await listExecutionsInStatus(ctx.db, 'running');
  for (const orphan of orphans) {
    await runTransaction(ctx, async (trx, changes) => {
      const execution = await findExecutionLockingRun(trx, orphan.id);
      if (execution?.status !== 'running') return;
      const run = await findRun(trx, execution.runId);
      invariant(run, `run of execution ${execution.id} exists`);
      if (execution.attempt < maxAttempts) {
        await requeueExecutionRows(trx, [execution.id], { adjust: 0 });
        changes.log(run, {
          level: 'warn',
          kind: 'recovery',
          executionId: execution.id,
          message: `${cellLabel(execution)}: the server stopped during attempt ${execution.attempt}; re-queued`,
        });
        report.requeued++;
      } else {
        const message = `the server stopped during this capture ${execution.attempt} time(s); giving up after ${maxAttempts} attempts`;
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
  const queued = await listExecutionsInStatus(ctx.db, 'queued');
  await ctx.queue.enqueue(queued.map((e) => ({ executionId: e.id, runId: e.runId })));
  report.dispatched = queued.length;
  return report;
}
