import type { AppContext } from '../app-context.ts';
import type { Actor } from '../audit/audit.types.ts';
import { creationStamp } from '../shared/clock.ts';
import { unprocessable } from '../shared/errors.ts';
import { cellLabel } from './cell-label.ts';
import { setExecutionReview } from './executions.repository.ts';
import {
  auditExecutionUpdate,
  getExecutionAndRunLocking,
  runTransaction,
} from './run-lifecycle.ts';

/**
 * Marks a finished compare execution's outcome "rejected": the change is a bug to fix, not
 * the new look. The baseline is left as it is (an earlier approval of this execution stays:
 * revert the cell's baseline history to undo it). Rejecting again changes nothing.
 */
export async function rejectExecution(
  ctx: AppContext,
  executionId: string,
  actor: Actor,
): Promise<void> {
  await runTransaction(ctx, async (trx, changes) => {
    const { execution, run } = await getExecutionAndRunLocking(trx, executionId);
    if (run.mode !== 'compare') {
      throw unprocessable('only a compare run’s executions can be reviewed');
    }
    if (execution.status !== 'finished') {
      throw unprocessable(
        `only a finished execution can be rejected; this one is ${execution.status}`,
      );
    }
    if (execution.review.status === 'rejected') return;
    const now = creationStamp();
    await setExecutionReview(trx, executionId, { status: 'rejected', by: actor, at: now });
    await auditExecutionUpdate(trx, actor, run, executionId, {
      before: { review: execution.review.status },
      after: { review: 'rejected' },
    });
    changes.log(run, {
      level: 'info',
      kind: 'rejected',
      executionId,
      message: `${cellLabel(execution)}: change rejected by ${actor}`,
    });
    changes.touchExecution(run, executionId);
  });
}
