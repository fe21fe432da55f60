import type { Kysely } from 'kysely';

// Frozen in time: this file imports no application code.
//
// Issue 15, change explanations:
// - baseline_entries.layout_artifact_id: the layout snapshot (gzipped JSON artifact) taken
//   with the entry's image; a baseline image and its snapshot travel together. Null: the image
//   was recorded before Scene took snapshots (or by a browser that gives none), and compares
//   against it explain nothing. RESTRICT like artifact_id: a snapshot in use is never deleted.
// - batches.ignore_moves: grade executions by changedPercent (pixels changed beyond what merely
//   moved) instead of diffPercent; null: off.

type AnyDb = Kysely<Record<string, never>>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable('baseline_entries')
    .addColumn('layout_artifact_id', 'text', (c) =>
      c.references('artifacts.id').onDelete('restrict'),
    )
    .execute();
  await db.schema
    .createIndex('baseline_entries_layout_artifact_idx')
    .on('baseline_entries')
    .column('layout_artifact_id')
    .execute();
  await db.schema.alterTable('batches').addColumn('ignore_moves', 'integer').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('batches').dropColumn('ignore_moves').execute();
  await db.schema.dropIndex('baseline_entries_layout_artifact_idx').execute();
  await db.schema.alterTable('baseline_entries').dropColumn('layout_artifact_id').execute();
}
