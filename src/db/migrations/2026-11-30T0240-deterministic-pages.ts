import type { Kysely } from 'kysely';

// Frozen in time: this file imports no application code.
//
// Issue 16, deterministic pages: a page and a batch can opt out of frozen time (the page clock,
// animated images, SVG animations, video/audio) and of seeded randomness; both default to on
// (1), which is also what rows created before this migration get. A batch may set the instant
// its frozen pages see as now (ISO-8601 UTC text like every timestamp); null: the built-in
// constant. Booleans are 0/1 integers, as everywhere in this schema.

type AnyDb = Kysely<Record<string, never>>;

export async function up(db: AnyDb): Promise<void> {
  for (const table of ['pages', 'batches']) {
    await db.schema
      .alterTable(table)
      .addColumn('freeze_time', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await db.schema
      .alterTable(table)
      .addColumn('seed_random', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
  }
  await db.schema.alterTable('batches').addColumn('frozen_time', 'text').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('batches').dropColumn('frozen_time').execute();
  for (const table of ['pages', 'batches']) {
    await db.schema.alterTable(table).dropColumn('seed_random').execute();
    await db.schema.alterTable(table).dropColumn('freeze_time').execute();
  }
}
