import type { Conn, Db } from '../db/connect.ts';
import { pageSize, type Page, type PageRequest } from '../db/pagination.ts';
import { nowIso } from '../shared/clock.ts';
import { AppError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { insertAuditEntry, listAuditEntries } from './audit.repository.ts';
import type {
  Actor,
  AuditAction,
  AuditChanges,
  AuditEntityType,
  AuditEntry,
} from './audit.types.ts';

export const redacted = '[redacted]';

export interface AuditedChange {
  actor: Actor;
  action: AuditAction;
  entityType: AuditEntityType;
  entityId: string;
  projectId: string | null;
  /** Public (secret-free) representations; null for create's before and delete's after. */
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  /** Secret fields that changed: recorded as changed, values never written. */
  secretsChanged?: string[];
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Field-level before/after of two public representations (timestamps left out). */
export function diffFields(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
): AuditChanges {
  const changes: AuditChanges = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const key of keys) {
    if (key === 'createdAt' || key === 'updatedAt') continue;
    const b = before?.[key] ?? null;
    const a = after?.[key] ?? null;
    if (!same(a, b)) changes[key] = { before: b, after: a };
  }
  return changes;
}

/** Writes the audit entry; call it inside the transaction of the change it records. */
export async function recordAudit(conn: Conn, change: AuditedChange): Promise<void> {
  const changes = diffFields(change.before, change.after);
  for (const field of change.secretsChanged ?? []) {
    changes[field] = { before: redacted, after: redacted };
  }
  if (change.action === 'update' && Object.keys(changes).length === 0) return;
  await insertAuditEntry(conn, {
    id: newId(),
    at: nowIso(),
    actor: change.actor,
    action: change.action,
    entityType: change.entityType,
    entityId: change.entityId,
    projectId: change.projectId,
    changes,
  });
}

export interface AuditQuery extends PageRequest {
  projectId?: string | undefined;
  projectIds?: readonly string[] | undefined;
  entityType?: string | undefined;
  entityId?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
}

export async function listAudit(db: Db, query: AuditQuery): Promise<Page<AuditEntry>> {
  const limit = pageSize(query);
  let beforeSeq: number | undefined;
  if (query.cursor !== undefined) {
    beforeSeq = Number(query.cursor);
    if (!Number.isSafeInteger(beforeSeq) || beforeSeq <= 0) {
      throw new AppError(
        'validation_failed',
        'cursor is not valid: pass back a nextCursor unchanged',
      );
    }
  }
  const rows = await listAuditEntries(db, { ...query, beforeSeq, limit: limit + 1 });
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(({ seq: _seq, ...entry }) => entry),
    nextCursor: rows.length > limit && last ? String(last.seq) : null,
  };
}
