import type { Kysely } from 'kysely';

// Frozen in time: this file imports no application code.
//
// executions.level_percent: the percent of pixels an execution's diff level was graded on —
// diff_percent, or the changed percent (beyond what merely moved) when its batch ignores
// moves. The run's level applies the run threshold to the largest of these, so it agrees with
// its executions' levels. Null: none measured, or recorded before this migration (then
// diff_percent stands in).

type AnyDb = Kysely<Record<string, never>>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('executions').addColumn('level_percent', 'double precision').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('executions').dropColumn('level_percent').execute();
}
