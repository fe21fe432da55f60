import type { AppContext } from '../app-context.ts';
import type { Conn } from '../db/connect.ts';
import { abortCaptures } from './cancel.ts';
import { listActiveExecutionIds } from './executions.repository.ts';
import { listRunIdsOf, lockRunsOf, type RunOwner } from './runs.repository.ts';

/** The runs a deletion takes with it, and their executions still queued or running. */
export interface RemovedRuns {
  projectId: string;
  runIds: string[];
  activeExecutionIds: string[];
}

/**
 * Call first in the deleting transaction: it locks the runs (lockRunsOf), so that what is read
 * after it (these ids, the artifacts to release) includes what transitions committed meanwhile.
 */
export async function runsRemovedWith(
  conn: Conn,
  owner: RunOwner,
  projectId: string,
): Promise<RemovedRuns> {
  await lockRunsOf(conn, owner);
  return {
    projectId,
    runIds: await listRunIdsOf(conn, owner),
    activeExecutionIds: await listActiveExecutionIds(conn, owner),
  };
}

/**
 * Once the deletion committed: stops the captures still in flight (their results would have
 * nowhere to go) and tells live views (dashboards, run streams) that the runs are gone.
 */
export async function announceRemovedRuns(ctx: AppContext, removed: RemovedRuns): Promise<void> {
  await abortCaptures(ctx, removed.activeExecutionIds, 'user');
  for (const runId of removed.runIds) {
    ctx.events.publish({ type: 'run.deleted', projectId: removed.projectId, runId });
  }
}
