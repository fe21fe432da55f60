import type { Transaction } from 'kysely';
import type { Database } from './database.ts';
import type { Conn } from './connect.ts';

/**
 * Runs `work` in a transaction: a new one on the database, or the open one `conn` already is.
 * Services use it so that a caller holding a transaction (`scene apply`, which must change a
 * whole project all-or-nothing) can run them inside its own.
 */
export function inTransaction<T>(
  conn: Conn,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  if (conn.isTransaction) return work(conn as Transaction<Database>);
  return conn.transaction().execute(work);
}
