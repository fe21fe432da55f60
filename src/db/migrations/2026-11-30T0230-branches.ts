import type { Kysely } from 'kysely';

// Frozen in time: this file imports no application code.
//
// Branch-aware baselines. A run records the git branch and commit it tested and the base
// branch it falls back to (`commit_sha`, not `commit`: COMMIT is an SQL keyword), and why it
// compares against the baseline it does (`baseline_reason`, free text for people). A baseline
// records the branch it belongs to; NULL is the branchless line that runs without a branch
// use — rows from before this migration all are. `forked_from_id` names the baseline a
// branch's copy-on-write baseline was copied from at its first approval; no foreign key, so
// the copy outlives the deletion of its origin (it shares images, not rows).

type AnyDb = Kysely<Record<string, never>>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('runs').addColumn('branch', 'text').execute();
  await db.schema.alterTable('runs').addColumn('base_branch', 'text').execute();
  await db.schema.alterTable('runs').addColumn('commit_sha', 'text').execute();
  await db.schema.alterTable('runs').addColumn('baseline_reason', 'text').execute();
  await db.schema
    .createIndex('runs_branch_created_idx')
    .on('runs')
    .columns(['branch', 'created_at', 'id'])
    .execute();

  await db.schema.alterTable('baselines').addColumn('branch', 'text').execute();
  await db.schema.alterTable('baselines').addColumn('forked_from_id', 'text').execute();
  await db.schema
    .createIndex('baselines_batch_branch_created_idx')
    .on('baselines')
    .columns(['batch_id', 'branch', 'created_at', 'id'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('baselines_batch_branch_created_idx').execute();
  await db.schema.alterTable('baselines').dropColumn('forked_from_id').execute();
  await db.schema.alterTable('baselines').dropColumn('branch').execute();
  await db.schema.dropIndex('runs_branch_created_idx').execute();
  await db.schema.alterTable('runs').dropColumn('baseline_reason').execute();
  await db.schema.alterTable('runs').dropColumn('commit_sha').execute();
  await db.schema.alterTable('runs').dropColumn('base_branch').execute();
  await db.schema.alterTable('runs').dropColumn('branch').execute();
}
