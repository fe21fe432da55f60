import type { Conn } from '../db/connect.ts';
import type { RunMode, RunStatus } from '../shared/domain.ts';

export interface RetentionRunRow {
  id: string;
  batchId: string;
  mode: RunMode;
  status: RunStatus;
  createdAt: string;
}

/** A project's runs, each batch's newest first (the order "the last N runs" counts in). */
export async function listRunsOfProjectByBatch(
  conn: Conn,
  projectId: string,
): Promise<RetentionRunRow[]> {
  const rows = await conn
    .selectFrom('runs')
    .select(['id', 'batch_id', 'mode', 'status', 'created_at'])
    .where('project_id', '=', projectId)
    .orderBy('batch_id')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    batchId: r.batch_id,
    mode: r.mode as RunMode,
    status: r.status as RunStatus,
    createdAt: r.created_at,
  }));
}

export async function listProjectIds(conn: Conn): Promise<string[]> {
  const rows = await conn.selectFrom('projects').select('id').orderBy('id').execute();
  return rows.map((r) => r.id);
}
