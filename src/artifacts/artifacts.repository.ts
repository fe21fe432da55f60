import type { Conn } from '../db/connect.ts';

/**
 * A stored file's record. `storageKey` is the artifact's own key, unique and never reused: its
 * URL (`/api/v1/artifacts/<storageKey>`), immutable. The bytes are in the store under
 * `blobKey` when content-addressed (shared by every artifact with the same bytes), else under
 * `storageKey` itself.
 */
export interface ArtifactRecord {
  id: string;
  projectId: string;
  runId: string | null;
  executionId: string | null;
  kind: string;
  storageKey: string;
  blobKey: string | null;
  contentType: string;
  byteSize: number;
  /** Bytes writing this artifact added to the store: 0 when its blob was already there. */
  storedBytes: number;
  sha256: string;
  width: number | null;
  height: number | null;
  createdAt: string;
}

/** An artifact whose row is going: where its bytes are in the store, and how many. */
export interface ReleasedFile {
  id: string;
  /** The blob key when content-addressed, else the artifact's own storage key. */
  fileKey: string;
  byteSize: number;
}

function fileKeyOf(row: { storage_key: string; blob_key: string | null }): string {
  return row.blob_key ?? row.storage_key;
}

function toReleased(row: {
  id: string;
  storage_key: string;
  blob_key: string | null;
  byte_size: number;
}): ReleasedFile {
  return { id: row.id, fileKey: fileKeyOf(row), byteSize: Number(row.byte_size) };
}

const releasedColumns = ['id', 'storage_key', 'blob_key', 'byte_size'] as const;

/** Every artifact of a project, read before the project's rows cascade away. */
export async function listArtifactFilesOfProject(
  conn: Conn,
  projectId: string,
): Promise<ReleasedFile[]> {
  const rows = await conn
    .selectFrom('artifacts')
    .select(releasedColumns)
    .where('project_id', '=', projectId)
    .execute();
  return rows.map(toReleased);
}

export async function insertArtifact(conn: Conn, artifact: ArtifactRecord): Promise<void> {
  await conn
    .insertInto('artifacts')
    .values({
      id: artifact.id,
      project_id: artifact.projectId,
      run_id: artifact.runId,
      execution_id: artifact.executionId,
      kind: artifact.kind,
      storage_key: artifact.storageKey,
      blob_key: artifact.blobKey,
      content_type: artifact.contentType,
      byte_size: artifact.byteSize,
      stored_bytes: artifact.storedBytes,
      sha256: artifact.sha256,
      width: artifact.width,
      height: artifact.height,
      created_at: artifact.createdAt,
    })
    .execute();
  // The row now holds the blob: the writer's pin (same id) has done its job.
  if (artifact.blobKey !== null) {
    await conn.deleteFrom('blob_pins').where('id', '=', artifact.id).execute();
  }
}

export async function findArtifactByKey(
  conn: Conn,
  key: string,
): Promise<
  { storageKey: string; fileKey: string; contentType: string; byteSize: number } | undefined
> {
  const row = await conn
    .selectFrom('artifacts')
    .select(['storage_key', 'blob_key', 'content_type', 'byte_size'])
    .where('storage_key', '=', key)
    .executeTakeFirst();
  return (
    row && {
      storageKey: row.storage_key,
      fileKey: fileKeyOf(row),
      contentType: row.content_type,
      byteSize: Number(row.byte_size),
    }
  );
}

export async function findArtifactById(
  conn: Conn,
  id: string,
): Promise<{ id: string; storageKey: string; sha256: string } | undefined> {
  const row = await conn
    .selectFrom('artifacts')
    .select(['id', 'storage_key', 'sha256'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row && { id: row.id, storageKey: row.storage_key, sha256: row.sha256 };
}

/** Bytes each run's artifacts added to the store (runs without artifacts are absent). */
export async function sumStoredBytesOfRuns(
  conn: Conn,
  runIds: readonly string[],
): Promise<Map<string, number>> {
  if (runIds.length === 0) return new Map();
  const rows = await conn
    .selectFrom('artifacts')
    .select((eb) => ['run_id', eb.fn.sum<number | string>('stored_bytes').as('bytes')])
    .where('run_id', 'in', [...runIds])
    .groupBy('run_id')
    .execute();
  return new Map(rows.flatMap((r) => (r.run_id === null ? [] : [[r.run_id, Number(r.bytes)]])));
}

/** Artifacts recorded for these executions: kind and key, oldest first. */
export async function listArtifactsOfExecutions(
  conn: Conn,
  executionIds: readonly string[],
): Promise<
  { id: string; executionId: string; kind: string; storageKey: string; sha256: string }[]
> {
  if (executionIds.length === 0) return [];
  const rows = await conn
    .selectFrom('artifacts')
    .select(['id', 'execution_id', 'kind', 'storage_key', 'sha256'])
    .where('execution_id', 'in', [...executionIds])
    .orderBy('created_at')
    .execute();
  return rows.flatMap((row) =>
    row.execution_id === null
      ? []
      : [
          {
            id: row.id,
            executionId: row.execution_id,
            kind: row.kind,
            storageKey: row.storage_key,
            sha256: row.sha256,
          },
        ],
  );
}

/** Every artifact a baseline entry uses: its image and its layout snapshot. */
function referencedByBaseline(conn: Conn) {
  return conn
    .selectFrom('baseline_entries')
    .select('baseline_entries.artifact_id')
    .union(
      conn
        .selectFrom('baseline_entries')
        .select('baseline_entries.layout_artifact_id as artifact_id')
        .where('baseline_entries.layout_artifact_id', 'is not', null)
        .$narrowType<{ artifact_id: string }>(),
    );
}

/**
 * Splits the artifacts of these executions into those only they use (to delete) and those a
 * baseline entry still references (to keep).
 */
export async function partitionArtifactsOfExecutions(
  conn: Conn,
  executionIds: readonly string[],
): Promise<{ removable: ReleasedFile[]; kept: string[] }> {
  if (executionIds.length === 0) return { removable: [], kept: [] };
  const referenced = new Set(
    (
      await conn
        .selectFrom('artifacts')
        .select('id')
        .where('execution_id', 'in', [...executionIds])
        .where('id', 'in', referencedByBaseline(conn))
        .execute()
    ).map((r) => r.id),
  );
  const all = await conn
    .selectFrom('artifacts')
    .select(releasedColumns)
    .where('execution_id', 'in', [...executionIds])
    .execute();
  return {
    removable: all.filter((r) => !referenced.has(r.id)).map(toReleased),
    kept: [...referenced],
  };
}

/** Same split for every artifact of a run. */
export async function partitionArtifactsOfRun(
  conn: Conn,
  runId: string,
): Promise<{ removable: ReleasedFile[]; kept: string[] }> {
  const all = await conn
    .selectFrom('artifacts')
    .select(releasedColumns)
    .where('run_id', '=', runId)
    .execute();
  const referenced = new Set(
    (
      await conn
        .selectFrom('artifacts')
        .select('id')
        .where('run_id', '=', runId)
        .where('id', 'in', referencedByBaseline(conn))
        .execute()
    ).map((r) => r.id),
  );
  return {
    removable: all.filter((r) => !referenced.has(r.id)).map(toReleased),
    kept: [...referenced],
  };
}

export async function deleteArtifactRows(conn: Conn, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    await conn
      .deleteFrom('artifacts')
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
  }
}

/** The run (and its executions) are going away; these files live on for a baseline. */
export async function detachArtifactsFromRun(conn: Conn, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    await conn
      .updateTable('artifacts')
      .set({ run_id: null, execution_id: null })
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
  }
}

/** The images and layout snapshots of the entries of the baselines `op` baselineId. */
function artifactsOfBaselines(conn: Conn, op: '=' | '!=', baselineId: string) {
  return conn
    .selectFrom('baseline_entries')
    .select('artifact_id')
    .where('baseline_id', op, baselineId)
    .union(
      conn
        .selectFrom('baseline_entries')
        .select('layout_artifact_id as artifact_id')
        .where('baseline_id', op, baselineId)
        .where('layout_artifact_id', 'is not', null)
        .$narrowType<{ artifact_id: string }>(),
    );
}

/**
 * Artifacts of a baseline that nothing else needs once it is deleted: detached from any run
 * and referenced by no entry of another baseline.
 */
export async function listArtifactsOnlyInBaseline(
  conn: Conn,
  baselineId: string,
): Promise<ReleasedFile[]> {
  const rows = await conn
    .selectFrom('artifacts')
    .select(['artifacts.id', 'artifacts.storage_key', 'artifacts.blob_key', 'artifacts.byte_size'])
    .where('artifacts.run_id', 'is', null)
    .where('artifacts.id', 'in', artifactsOfBaselines(conn, '=', baselineId))
    .where('artifacts.id', 'not in', artifactsOfBaselines(conn, '!=', baselineId))
    .execute();
  return rows.map(toReleased);
}

/**
 * Every artifact a batch's deletion leaves behind (runs and baselines cascade in the database;
 * artifacts carry no foreign key to them): its runs' files and its baselines' images.
 */
export async function listArtifactsOfBatch(conn: Conn, batchId: string): Promise<ReleasedFile[]> {
  const rows = await conn
    .selectFrom('artifacts')
    .select(releasedColumns)
    .where((eb) =>
      eb.or([
        eb('run_id', 'in', eb.selectFrom('runs').select('id').where('batch_id', '=', batchId)),
        eb(
          'id',
          'in',
          eb
            .selectFrom('baseline_entries')
            .innerJoin('baselines', 'baselines.id', 'baseline_entries.baseline_id')
            .select('baseline_entries.artifact_id')
            .where('baselines.batch_id', '=', batchId),
        ),
        eb(
          'id',
          'in',
          eb
            .selectFrom('baseline_entries')
            .innerJoin('baselines', 'baselines.id', 'baseline_entries.baseline_id')
            .select('baseline_entries.layout_artifact_id')
            .where('baselines.batch_id', '=', batchId),
        ),
      ]),
    )
    .execute();
  return rows.map(toReleased);
}
