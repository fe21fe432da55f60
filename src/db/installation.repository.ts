import type { Conn } from './connect.ts';
import { invariant } from '../shared/errors.ts';

/** The id every process on this database shares (written once by its migration). */
export async function readInstallationId(conn: Conn): Promise<string> {
  const row = await conn.selectFrom('installation').select('id').executeTakeFirst();
  invariant(row, 'the installation row exists (written by its migration)');
  return row.id;
}
