import type { AppContext } from '../app-context.ts';
import { announceRemovedRuns } from './run-removal.ts';
import { removeArtifactFiles, type RemovalResult } from '../artifacts/artifact-removal.ts';
import {
  deleteArtifactRows,
  detachArtifactsFromRun,
  partitionArtifactsOfRun,
} from '../artifacts/artifacts.repository.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../audit/audit.types.ts';
import { clearBaselineSourceRun } from '../baselines/baselines.repository.ts';
import type { Conn } from '../db/connect.ts';
import { pageSize, type Page } from '../db/pagination.ts';
import { AppError, conflict, invariant, notFound } from '../shared/errors.ts';
import { findExecution, listExecutionsOfRun } from './executions.repository.ts';
import { listRunLogLines } from './run-log.repository.ts';
import {
  isTerminal,
  type Execution,
  type Run,
  type RunListQuery,
  type RunLogLine,
} from './run.schema.ts';
import { toExecutions, toRuns } from './run-views.ts';
import { deleteRunRow, findRun, listRunRecords, lockRunRow } from './runs.repository.ts';

export async function getRun(conn: Conn, id: string): Promise<Run> {
  const record = await findRun(conn, id);
  if (!record) throw notFound('run', id);
  const [run] = await toRuns(conn, [record]);
  invariant(run, 'a run maps to its view');
  return run;
}

export async function listRuns(
  ctx: AppContext,
  query: RunListQuery & { projectIds?: readonly string[] | undefined },
): Promise<Page<Run>> {
  const page = await listRunRecords(
    ctx.db,
    {
      projectId: query.projectId,
      projectIds: query.projectIds,
      batchId: query.batchId,
      status: query.status,
      jiraIssue: query.jiraIssue,
      branch: query.branch,
    },
    query.cursor,
    pageSize(query),
  );
  return { items: await toRuns(ctx.db, page.items), nextCursor: page.nextCursor };
}

/** A run's executions in matrix order (not paginated: a run's matrix is bounded by its batch). */
export async function listExecutions(conn: Conn, runId: string): Promise<Execution[]> {
  const run = await findRun(conn, runId);
  if (!run) throw notFound('run', runId);
  return toExecutions(conn, run.projectId, await listExecutionsOfRun(conn, runId));
}

export async function getExecution(conn: Conn, id: string): Promise<Execution> {
  const record = await findExecution(conn, id);
  if (!record) throw notFound('execution', id);
  const run = await findRun(conn, record.runId);
  invariant(run, `run of execution ${id} exists`);
  const [execution] = await toExecutions(conn, run.projectId, [record]);
  invariant(execution, 'an execution maps to its view');
  return execution;
}

export interface RunLogQuery {
  cursor?: string | undefined;
  limit?: number | undefined;
  executionId?: string | undefined;
}

/** The stored run log, oldest first; `nextCursor` continues after the last line returned. */
export async function getRunLog(
  conn: Conn,
  runId: string,
  query: RunLogQuery,
): Promise<Page<RunLogLine>> {
  const run = await findRun(conn, runId);
  if (!run) throw notFound('run', runId);
  const afterSeq = query.cursor === undefined ? 0 : Number(query.cursor);
  if (!Number.isSafeInteger(afterSeq) || afterSeq < 0) {
    throw new AppError(
      'validation_failed',
      'cursor is not valid: pass back a nextCursor unchanged',
    );
  }
  const limit = Math.min(Math.max(query.limit ?? 1000, 1), 5000);
  const lines = await listRunLogLines(conn, runId, {
    afterSeq,
    limit: limit + 1,
    executionId: query.executionId,
  });
  const items = lines.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor: lines.length > limit && last ? String(last.seq) : null,
  };
}

/**
 * Deletes an ended run with its executions, log and artifacts. Images a baseline still uses
 * stay (their rows are detached from the run). A queued or running run must be cancelled
 * first. Answers what the store freed (bytes no other artifact shares).
 */
export async function deleteRun(ctx: AppContext, id: string, actor: Actor): Promise<RemovalResult> {
  const { released, projectId } = await ctx.db.transaction().execute(async (trx) => {
    // Locked first, as every transition of the run does: a retry committing meanwhile cannot
    // make the run active again between the status check and the deletion.
    await lockRunRow(trx, id);
    const before = await getRun(trx, id);
    if (!isTerminal(before.status)) {
      throw conflict(`run '${id}' is ${before.status}; cancel it before deleting it`);
    }
    const { removable, kept } = await partitionArtifactsOfRun(trx, id);
    await detachArtifactsFromRun(trx, kept);
    await clearBaselineSourceRun(trx, id);
    if (!(await deleteRunRow(trx, id))) throw notFound('run', id);
    await deleteArtifactRows(
      trx,
      removable.map((a) => a.id),
    );
    await recordAudit(trx, {
      actor,
      action: 'delete',
      entityType: 'run',
      entityId: id,
      projectId: before.projectId,
      before: { ...before },
      after: null,
    });
    return { released: removable, projectId: before.projectId };
  });
  await announceRemovedRuns(ctx, { projectId, runIds: [id], activeExecutionIds: [] });
  // Files go after the rows: a crash in between leaves orphan files, never dangling rows.
  return removeArtifactFiles(ctx, released);
}
