import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { AppError } from '../shared/errors.ts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  cursor?: string | undefined;
  limit?: number | undefined;
}

export const defaultPageSize = 50;
export const maxPageSize = 200;

/** Keyset position in a listing ordered by (created_at desc, id desc). */
export interface KeysetPosition {
  createdAt: string;
  id: string;
}

export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.id])).toString('base64url');
}

export function decodeCursor(cursor: string): KeysetPosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string'
    ) {
      return { createdAt: value[0], id: value[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError('validation_failed', 'cursor is not valid: pass back a nextCursor unchanged');
}

export function pageSize(request: PageRequest): number {
  return Math.min(Math.max(request.limit ?? defaultPageSize, 1), maxPageSize);
}

/** Builds the page from rows fetched with limit + 1. */
export function toPage<Row extends { created_at: string; id: string }, T>(
  rows: Row[],
  limit: number,
  map: (row: Row) => T,
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(map),
    nextCursor:
      rows.length > limit && last
        ? encodeCursor({ createdAt: last.created_at, id: last.id })
        : null,
  };
}

/**
 * Keyset condition "after this cursor" for listings ordered by (created_at desc, id desc).
 * Row-value comparison works on both SQLite and Postgres.
 */
export function afterCursor(cursor: string, table?: string): RawBuilder<SqlBool> {
  const position = decodeCursor(cursor);
  const col = (name: string) => sql.ref(table ? `${table}.${name}` : name);
  return sql<SqlBool>`(${col('created_at')}, ${col('id')}) < (${position.createdAt}, ${position.id})`;
}
