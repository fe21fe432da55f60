import { dispatch } from './recovery.ts';
import type { AppContext } from '../app-context.ts';
import { removeArtifactFiles } from '../artifacts/artifact-removal.ts';
import {
  deleteArtifactRows,
  partitionArtifactsOfExecutions,
  type ReleasedFile,
} from '../artifacts/artifacts.repository.ts';
import type { Actor } from '../audit/audit.types.ts';
import type { Conn } from '../db/connect.ts';
import { getEffectiveSettings } from '../settings/settings.service.ts';
import { isoAfter } from '../shared/clock.ts';
import { conflict, notFound, unprocessable } from '../shared/errors.ts';
import { cellLabel } from './cell-label.ts';
import { listExecutionIdsOfRun, requeueExecutionRows } from './executions.repository.ts';
import {
  auditExecutionUpdate,
  auditRunUpdate,
  getExecutionAndRunLocking,
  lockRun,
  runTransaction,
  syncRunStatus,
  type RunChanges,
} from './run-lifecycle.ts';
import { isTerminal } from './run.schema.ts';
import { findRun, updateRunState, type RunRecord } from './runs.repository.ts';

/**
 * Re-runs the failed and cancelled executions of a finished run ("re-run failed cells"),
 * against the same baseline. Their earlier artifacts are removed; attempts start again at 1.
 */
export async function retryRun(ctx: AppContext, runId: string, actor: Actor): Promise<void> {
  const { ids, released } = await runTransaction(ctx, async (trx, changes) => {
    await lockRun(trx, runId);
    const run = await findRun(trx, runId);
    if (!run) throw notFound('run', runId);
    if (!isTerminal(run.status)) {
      throw conflict(`run '${runId}' is still ${run.status}; retry it once it has ended`);
    }
    const ids = await listExecutionIdsOfRun(trx, runId, ['failed', 'cancelled']);
    if (ids.length === 0) {
      throw conflict(`run '${runId}' has no failed or cancelled executions to retry`);
    }
    const released = await requeue(trx, run, ids, changes);
    changes.log(run, {
      level: 'info',
      kind: 'retry',
      message: `retrying ${ids.length} failed or cancelled execution(s) (${actor})`,
    });
    const after = await syncRunStatus(trx, ctx, runId, changes);
    await auditRunUpdate(trx, actor, run, after, { retried: ids.length });
    return { ids, released };
  });
  await removeArtifactFiles(ctx, released);
  await dispatch(
    ctx,
    ids.map((executionId) => ({ executionId, runId })),
  );
}

/** Re-runs one failed or cancelled execution; its run becomes active again if it had ended. */
export async function retryExecution(
  ctx: AppContext,
  executionId: string,
  actor: Actor,
): Promise<void> {
  const { runId, released } = await runTransaction(ctx, async (trx, changes) => {
    const { execution, run } = await getExecutionAndRunLocking(trx, executionId);
    if (execution.status !== 'failed' && execution.status !== 'cancelled') {
      throw conflict(
        `execution '${executionId}' is ${execution.status}; only failed or cancelled executions can be retried`,
      );
    }
    const released = await requeue(trx, run, [executionId], changes);
    changes.log(run, {
      level: 'info',
      kind: 'retry',
      executionId,
      message: `${cellLabel(execution)}: retry requested (${actor})`,
    });
    await syncRunStatus(trx, ctx, run.id, changes);
    await auditExecutionUpdate(trx, actor, run, executionId, {
      before: { status: execution.status },
      after: { status: 'queued' },
    });
    return { runId: run.id, released };
  });
  await removeArtifactFiles(ctx, released);
  await dispatch(ctx, [{ executionId, runId }]);
}

/** Resets the executions to queued and reopens the run; returns the artifacts whose rows went. */
async function requeue(
  trx: Conn,
  run: RunRecord,
  ids: string[],
  changes: RunChanges,
): Promise<ReleasedFile[]> {
  if (run.mode === 'compare' && run.baselineId === null) {
    throw unprocessable(
      'the baseline this run compared against has been deleted; launch a new run instead',
    );
  }
  const { removable } = await partitionArtifactsOfExecutions(trx, ids);
  await deleteArtifactRows(
    trx,
    removable.map((a) => a.id),
  );
  await requeueExecutionRows(trx, ids, { reset: true });
  if (isTerminal(run.status)) {
    // The run is active again: a new deadline, and the old cancellation no longer applies.
    const settings = await getEffectiveSettings(trx, run.projectId);
    await updateRunState(trx, run.id, {
      ...run,
      cancelReason: null,
      deadlineAt: isoAfter(settings.runTimeoutSeconds * 1000),
    });
  }
  for (const id of ids) changes.touchExecution(run, id);
  return removable;
}
