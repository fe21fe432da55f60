import type { Kysely } from 'kysely';

// Frozen in time: this file imports no application code.
//
// Scheduled runs. A schedule launches its batch on a cron expression in a time zone.
// `schedule_fires` has one row per schedule and fire time: its primary key is the claim that
// lets exactly one of several Scene processes sharing the database launch that fire.

type AnyDb = Kysely<Record<string, never>>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('schedules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) =>
      c.notNull().references('projects.id').onDelete('cascade'),
    )
    .addColumn('batch_id', 'text', (c) => c.notNull().references('batches.id').onDelete('cascade'))
    .addColumn('cron', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('branch', 'text')
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('schedules_batch_created_idx')
    .on('schedules')
    .columns(['batch_id', 'created_at', 'id'])
    .execute();

  await db.schema
    .createTable('schedule_fires')
    .addColumn('schedule_id', 'text', (c) =>
      c.notNull().references('schedules.id').onDelete('cascade'),
    )
    .addColumn('fire_at', 'text', (c) => c.notNull())
    .addColumn('claimed_by', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text')
    .addColumn('detail', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('schedule_fires_pk', ['schedule_id', 'fire_at'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('schedule_fires').execute();
  await db.schema.dropIndex('schedules_batch_created_idx').execute();
  await db.schema.dropTable('schedules').execute();
}
