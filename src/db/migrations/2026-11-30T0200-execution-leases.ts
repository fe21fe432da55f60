import type { Kysely } from 'kysely';

// Frozen in time: this file imports no application code.
//
// A running execution belongs to the process running it (`owner`) for as long as that process
// renews its lease (`lease_expires_at`, ISO-8601 UTC text like every timestamp). Only an
// expired lease may be taken over: a process that starts, or any other live process, leaves
// executions with a live lease alone. Rows left `running` before this migration have no lease
// and count as expired.

type AnyDb = Kysely<Record<string, never>>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('executions').addColumn('owner', 'text').execute();
  await db.schema.alterTable('executions').addColumn('lease_expires_at', 'text').execute();
  await db.schema
    .createIndex('executions_lease_idx')
    .on('executions')
    .columns(['status', 'lease_expires_at'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('executions_lease_idx').execute();
  await db.schema.alterTable('executions').dropColumn('lease_expires_at').execute();
  await db.schema.alterTable('executions').dropColumn('owner').execute();
}
