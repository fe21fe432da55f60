import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';

// Frozen in time: this file imports no application code.
//
// One row naming this installation: every process on this database shares its id, and uses it
// to keep its jobs and live events apart from another installation's on the same Redis.

type AnyDb = Kysely<Record<string, Record<string, unknown>>>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('installation')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db
    .insertInto('installation')
    .values({ id: randomUUID(), created_at: new Date().toISOString() })
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('installation').execute();
}
