import type { Conn } from '../db/connect.ts';
import { nonEmpty } from '../db/in-list.ts';
import { fromJson, toJson } from '../db/json.ts';
import type { AuditLogTable } from '../db/database.ts';
import type { Selectable } from 'kysely';
import type { AuditChanges, AuditEntry, AuditAction, AuditEntityType } from './audit.types.ts';

export interface AuditFilter {
  projectId?: string | undefined;
  /** Only entries of these projects (a principal limited to some projects). */
  projectIds?: readonly string[] | undefined;
  entityType?: string | undefined;
  entityId?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  /** Sequence number to continue after (exclusive), newest first. */
  beforeSeq?: number | undefined;
  limit: number;
}

function rowToAuditEntry(row: Selectable<AuditLogTable>): AuditEntry & { seq: number } {
  return {
    seq: Number(row.seq),
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action as AuditAction,
    entityType: row.entity_type as AuditEntityType,
    entityId: row.entity_id,
    projectId: row.project_id,
    changes: fromJson<AuditChanges>(row.changes, {}),
  };
}

export async function insertAuditEntry(conn: Conn, entry: AuditEntry): Promise<void> {
  await conn
    .insertInto('audit_log')
    .values({
      id: entry.id,
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      project_id: entry.projectId,
      changes: toJson(entry.changes),
    })
    .execute();
}

export async function listAuditEntries(
  conn: Conn,
  filter: AuditFilter,
): Promise<(AuditEntry & { seq: number })[]> {
  let query = conn.selectFrom('audit_log').selectAll();
  if (filter.projectId !== undefined) query = query.where('project_id', '=', filter.projectId);
  if (filter.projectIds !== undefined)
    query = query.where('project_id', 'in', nonEmpty(filter.projectIds));
  if (filter.entityType !== undefined) query = query.where('entity_type', '=', filter.entityType);
  if (filter.entityId !== undefined) query = query.where('entity_id', '=', filter.entityId);
  if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
  if (filter.until !== undefined) query = query.where('at', '<', filter.until);
  if (filter.beforeSeq !== undefined) query = query.where('seq', '<', filter.beforeSeq);
  const rows = await query.orderBy('seq', 'desc').limit(filter.limit).execute();
  return rows.map(rowToAuditEntry);
}
