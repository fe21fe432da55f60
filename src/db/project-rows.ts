import type { Selectable } from 'kysely';
import type { Conn } from './connect.ts';
import type { Database } from './database.ts';
import { afterCursor, toPage, type Page } from './pagination.ts';

/** Tables whose rows belong to one project, listed newest first by (created_at, id). */
export type ProjectOwnedTable = 'pages' | 'tasks' | 'batches' | 'webhooks';

/** One page of a project's rows, newest first, mapped to domain objects. */
export async function listRowsOfProject<T extends ProjectOwnedTable, Item>(
  conn: Conn,
  table: T,
  projectId: string,
  cursor: string | undefined,
  limit: number,
  map: (row: Selectable<Database[T]>) => Item,
): Promise<Page<Item>> {
  // Kysely cannot type a query over a generic table name; every owned table has the
  // project_id, created_at and id columns used here, so one concrete name stands in for all.
  const from = table as 'pages';
  let query = conn.selectFrom(from).selectAll().where('project_id', '=', projectId);
  if (cursor !== undefined) query = query.where(afterCursor(cursor));
  const rows = (await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute()) as unknown as (Selectable<Database[T]> & { created_at: string; id: string })[];
  return toPage(rows, limit, map);
}
