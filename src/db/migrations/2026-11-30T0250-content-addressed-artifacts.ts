import { sql, type Kysely } from 'kysely';

// Frozen in time: this file imports no application code.
//
// Content-addressed images. An image's bytes are stored once, under a key derived from their
// sha256 (`blobs/sha256/ab/cdef….png`), however many artifact rows show them: a compare run
// of an unchanged page points at the baseline's bytes instead of writing them again.
//
// - `blobs`: one row per stored object. It exists while the object may be in the store, and
//   is the row that deletions and writers of the same bytes lock to take turns.
// - `artifacts.blob_key`: the object an artifact's bytes are in (null: an artifact written
//   before this migration, or a trace or log, whose bytes are under its own `storage_key`).
//   The foreign key keeps a blob's row from going while an artifact refers to it.
// - `artifacts.stored_bytes`: the bytes that writing this artifact added to the store (0 when
//   its bytes were already there); a run's sum is its `bytesStored`. Earlier rows each wrote
//   their own file.
// - `blob_pins`: a writer's claim on a blob between storing its bytes and recording its
//   artifact row (which drops the pin in the same transaction); a blob with a live pin is not
//   deleted. An abandoned write's pin expires and the blob is collected later.

type AnyDb = Kysely<Record<string, never>>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('blobs')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('byte_size', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('blob_pins')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('blob_key', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('blob_pins_blob_idx').on('blob_pins').column('blob_key').execute();
  await db.schema
    .alterTable('artifacts')
    .addColumn('blob_key', 'text', (c) => c.references('blobs.key'))
    .execute();
  await db.schema
    .alterTable('artifacts')
    .addColumn('stored_bytes', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`update artifacts set stored_bytes = byte_size`.execute(db);
  await db.schema.createIndex('artifacts_blob_idx').on('artifacts').column('blob_key').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('artifacts_blob_idx').execute();
  await db.schema.alterTable('artifacts').dropColumn('stored_bytes').execute();
  await db.schema.alterTable('artifacts').dropColumn('blob_key').execute();
  await db.schema.dropTable('blob_pins').execute();
  await db.schema.dropTable('blobs').execute();
}
