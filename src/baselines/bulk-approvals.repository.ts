import type { Conn } from '../db/connect.ts';
import { fromJson, toJson } from '../db/json.ts';
import type { ExecutionReview } from '../runs/executions.repository.ts';

/** One cell a bulk approval changed: enough to put it back as it was. */
export interface BulkApprovalCell {
  executionId: string;
  baselineId: string;
  matrixKey: string;
  /** The entry the approval wrote. */
  entryId: string;
  /** The entry it replaced; null: the cell had no image (a new page). */
  previousEntryId: string | null;
  reviewBefore: ExecutionReview;
}

export interface BulkApproval {
  id: string;
  runId: string;
  actor: string;
  cells: BulkApprovalCell[];
  createdAt: string;
  undoneAt: string | null;
}

export async function insertBulkApproval(conn: Conn, approval: BulkApproval): Promise<void> {
  await conn
    .insertInto('bulk_approvals')
    .values({
      id: approval.id,
      run_id: approval.runId,
      actor: approval.actor,
      cells: toJson(approval.cells),
      created_at: approval.createdAt,
      undone_at: approval.undoneAt,
    })
    .execute();
}

/** The run's latest bulk approval (undone or not). */
export async function findLastBulkApproval(
  conn: Conn,
  runId: string,
): Promise<BulkApproval | undefined> {
  const row = await conn
    .selectFrom('bulk_approvals')
    .selectAll()
    .where('run_id', '=', runId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      runId: row.run_id,
      actor: row.actor,
      cells: fromJson<BulkApprovalCell[]>(row.cells, []),
      createdAt: row.created_at,
      undoneAt: row.undone_at,
    }
  );
}

export async function markBulkApprovalUndone(conn: Conn, id: string, now: string): Promise<void> {
  await conn.updateTable('bulk_approvals').set({ undone_at: now }).where('id', '=', id).execute();
}
