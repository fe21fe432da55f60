import type { AppContext } from '../app-context.ts';
import type { Actor } from '../audit/audit.types.ts';
import { nowIso } from '../shared/clock.ts';
import type { CancelReason } from '../shared/domain.ts';
import { conflict, notFound } from '../shared/errors.ts';
import { cancelExecutionRows, listExecutionIdsOfRun } from './executions.repository.ts';
import { cellLabel } from './cell-label.ts';
import {
  auditExecutionUpdate,
  auditRunUpdate,
  getExecutionAndRunLocking,
  lockRun,
  runTransaction,
  syncRunStatus,
} from './run-lifecycle.ts';
import { isTerminal } from './run.schema.ts';
import { findRun, updateRunState } from './runs.repository.ts';

const reasonText: Record<CancelReason, string> = {
  user: 'by a user',
  timeout: 'its deadline passed (runTimeoutSeconds)',
  shutdown: 'the server shut down',
};

/**
 * Cancels a run: its queued executions are dropped and its running ones aborted (the browser
 * context closes within 2 s). All are recorded `cancelled` with the reason in this
 * transaction, so the run is `cancelled` at once; a capture that still completes is discarded.
 */
export async function cancelRun(
  ctx: AppContext,
  runId: string,
  reason: CancelReason,
  actor: Actor,
): Promise<void> {
  const cancelled = await runTransaction(ctx, async (trx, changes) => {
    await lockRun(trx, runId);
    const run = await findRun(trx, runId);
    if (!run) throw notFound('run', runId);
    if (isTerminal(run.status)) {
      throw conflict(`run '${runId}' is already ${run.status}; there is nothing to cancel`);
    }
    await updateRunState(trx, runId, { ...run, cancelReason: reason });
    const active = await listExecutionIdsOfRun(trx, runId, ['queued', 'running']);
    const ids = await cancelExecutionRows(trx, active, reason, nowIso());
    for (const id of ids) changes.touchExecution(run, id);
    changes.log(run, {
      level: 'warn',
      kind: 'cancelled',
      message: `run cancelled: ${reasonText[reason]}${actor === 'system' ? '' : ` (${actor})`}; ${ids.length} execution(s) stopped`,
    });
    const after = await syncRunStatus(trx, ctx, runId, changes);
    await auditRunUpdate(trx, actor, run, after);
    return ids;
  });
  await abortCaptures(ctx, cancelled, reason);
}

/** Cancels one execution (queued: dropped; running: aborted). */
export async function cancelExecution(
  ctx: AppContext,
  executionId: string,
  reason: CancelReason,
  actor: Actor,
): Promise<void> {
  await runTransaction(ctx, async (trx, changes) => {
    const { execution, run } = await getExecutionAndRunLocking(trx, executionId);
    if (isTerminal(execution.status)) {
      throw conflict(
        `execution '${executionId}' is already ${execution.status}; there is nothing to cancel`,
      );
    }
    await cancelExecutionRows(trx, [executionId], reason, nowIso());
    changes.touchExecution(run, executionId);
    changes.log(run, {
      level: 'warn',
      kind: 'cancelled',
      executionId,
      message: `${cellLabel(execution)}: cancelled ${reasonText[reason]}${actor === 'system' ? '' : ` (${actor})`}`,
    });
    await syncRunStatus(trx, ctx, run.id, changes);
    await auditExecutionUpdate(trx, actor, run, executionId, {
      before: { status: execution.status },
      after: { status: 'cancelled', cancelReason: reason },
    });
  });
  await abortCaptures(ctx, [executionId], reason);
}

/**
 * After the commit that recorded the cancellation: aborts the captures still running (in this
 * process or, through the queue, in another). Should the queue be unreachable, the cancellation
 * stands all the same; a capture that goes on finds its execution cancelled when it ends, and
 * its result is discarded.
 */
export async function abortCaptures(
  ctx: AppContext,
  executionIds: readonly string[],
  reason: CancelReason,
): Promise<void> {
  try {
    await ctx.queue.cancel(executionIds, reason);
  } catch (error) {
    ctx.logger.warn(
      { err: error, executions: executionIds.length },
      'could not reach the queue to abort cancelled captures; their results will be discarded',
    );
  }
}
