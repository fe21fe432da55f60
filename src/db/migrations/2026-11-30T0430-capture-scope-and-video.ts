import type { Kysely } from 'kysely';

// Frozen in time: this file imports no application code.
//
// Issue 17, capture scope and video:
// - pages.capture, tasks.capture: JSON {scope: fullPage | viewport | elements, selectors?};
//   null = fullPage (every row created before this migration). A task's, when set, wins over
//   its page's.
// - executions.capture: JSON {scope, selector?} of the cell, fixed at launch (an element cell's
//   selector is part of its matrix key); null = fullPage.
// - batches.record_video: 1 = record a video (CDP screencast encoded by ffmpeg) of each
//   execution; 0 (default) = none.

type AnyDb = Kysely<Record<string, never>>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('pages').addColumn('capture', 'text').execute();
  await db.schema.alterTable('tasks').addColumn('capture', 'text').execute();
  await db.schema.alterTable('executions').addColumn('capture', 'text').execute();
  await db.schema
    .alterTable('batches')
    .addColumn('record_video', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('batches').dropColumn('record_video').execute();
  await db.schema.alterTable('executions').dropColumn('capture').execute();
  await db.schema.alterTable('tasks').dropColumn('capture').execute();
  await db.schema.alterTable('pages').dropColumn('capture').execute();
}
