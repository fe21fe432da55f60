import type { Kysely } from 'kysely';

// Frozen in time: this file imports no application code.
//
// Issue 17, review at the speed of a glance:
// - executions.review_status: unreviewed (default, also for rows created before this
//   migration) | approved | rejected, with who (reviewed_by) and when (reviewed_at).
// - baseline_entries.approved_by: who approved the image into the baseline (null: recorded by a
//   baseline run, or before this migration).
// - bulk_approvals: what one `POST /runs/{id}/approve` changed, cell by cell (JSON), so that the
//   last one can be undone; undone_at once it was.

type AnyDb = Kysely<Record<string, never>>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable('executions')
    .addColumn('review_status', 'text', (c) => c.notNull().defaultTo('unreviewed'))
    .execute();
  await db.schema.alterTable('executions').addColumn('reviewed_by', 'text').execute();
  await db.schema.alterTable('executions').addColumn('reviewed_at', 'text').execute();
  await db.schema.alterTable('baseline_entries').addColumn('approved_by', 'text').execute();
  await db.schema
    .createTable('bulk_approvals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('cells', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('undone_at', 'text')
    .execute();
  await db.schema
    .createIndex('bulk_approvals_run')
    .on('bulk_approvals')
    .columns(['run_id', 'created_at'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('bulk_approvals').execute();
  await db.schema.alterTable('baseline_entries').dropColumn('approved_by').execute();
  for (const column of ['reviewed_at', 'reviewed_by', 'review_status']) {
    await db.schema.alterTable('executions').dropColumn(column).execute();
  }
}
