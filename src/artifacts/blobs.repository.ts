import { PostgresAdapter, sql } from 'kysely';
import type { Conn } from '../db/connect.ts';

// Content-addressed objects (`blobs`), the artifact rows that refer to them
// (`artifacts.blob_key`) and writers' pins (`blob_pins`). The rules that make sharing safe
// across processes are in artifact-removal.ts.

/** Records the blob unless it is recorded already; true when this call recorded it. */
export async function insertBlobIfAbsent(
  conn: Conn,
  blob: { key: string; byteSize: number; createdAt: string },
): Promise<boolean> {
  const result = await conn
    .insertInto('blobs')
    .values({ key: blob.key, byte_size: blob.byteSize, created_at: blob.createdAt })
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

/**
 * The blob's row, locked until the transaction ends on Postgres (SQLite runs one transaction
 * at a time anyway). Every writer and every deleter of a blob takes this lock first, so they
 * take turns on it; undefined when the row is gone.
 */
export async function lockBlob(
  conn: Conn,
  key: string,
): Promise<{ key: string; byteSize: number } | undefined> {
  let query = conn.selectFrom('blobs').select(['key', 'byte_size']).where('key', '=', key);
  if (conn.getExecutor().adapter instanceof PostgresAdapter) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row && { key: row.key, byteSize: Number(row.byte_size) };
}

export async function insertBlobPin(
  conn: Conn,
  pin: { id: string; blobKey: string; expiresAt: string },
): Promise<void> {
  await conn
    .insertInto('blob_pins')
    .values({ id: pin.id, blob_key: pin.blobKey, expires_at: pin.expiresAt })
    .execute();
}

/**
 * Whether nothing holds the blob: no artifact row refers to it and no writer's pin is live.
 * One statement, so it sees one snapshot: a writer's transaction that swaps its pin for its
 * artifact row is seen entirely before or entirely after, never with neither.
 */
export async function isBlobUnreferenced(conn: Conn, key: string, now: string): Promise<boolean> {
  const row = await conn
    .selectNoFrom((eb) => [
      eb
        .exists(
          eb
            .selectFrom('artifacts')
            .select(sql<number>`1`.as('one'))
            .where('blob_key', '=', key),
        )
        .as('referenced'),
      eb
        .exists(
          eb
            .selectFrom('blob_pins')
            .select(sql<number>`1`.as('one'))
            .where('blob_key', '=', key)
            .where('expires_at', '>', now),
        )
        .as('pinned'),
    ])
    .executeTakeFirstOrThrow();
  return !isTrue(row.referenced) && !isTrue(row.pinned);
}

/** Postgres answers booleans, SQLite 0/1. */
function isTrue(value: unknown): boolean {
  return value === true || value === 1 || value === 1n || value === '1';
}

/** Deletes the blob's row and its (expired) pins. */
export async function deleteBlobRow(conn: Conn, key: string): Promise<void> {
  await conn.deleteFrom('blob_pins').where('blob_key', '=', key).execute();
  await conn.deleteFrom('blobs').where('key', '=', key).execute();
}

/**
 * Blobs that look unreferenced now (no artifact row, no live pin), oldest first; read without
 * locks, so each must be checked again under its lock before it goes.
 */
export async function listUnreferencedBlobKeys(
  conn: Conn,
  now: string,
  options: { among?: readonly string[]; limit: number },
): Promise<string[]> {
  if (options.among?.length === 0) return [];
  let query = conn
    .selectFrom('blobs')
    .select('blobs.key')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('artifacts')
            .select(sql<number>`1`.as('one'))
            .whereRef('artifacts.blob_key', '=', 'blobs.key'),
        ),
      ),
    )
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('blob_pins')
            .select(sql<number>`1`.as('one'))
            .whereRef('blob_pins.blob_key', '=', 'blobs.key')
            .where('blob_pins.expires_at', '>', now),
        ),
      ),
    )
    .orderBy('blobs.created_at')
    .limit(options.limit);
  if (options.among) query = query.where('blobs.key', 'in', [...options.among]);
  const rows = await query.execute();
  return rows.map((r) => r.key);
}
