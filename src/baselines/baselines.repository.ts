import { PostgresAdapter } from 'kysely';
import type { Conn } from '../db/connect.ts';
import { fromJson, toJson } from '../db/json.ts';
import { afterCursor, toPage, type Page } from '../db/pagination.ts';
import type { ExecutionEnvironment } from '../shared/domain.ts';
import type { Baseline, BaselineEntry } from './baseline.schema.ts';

function selectBaselines(conn: Conn) {
  return conn
    .selectFrom('baselines')
    .selectAll('baselines')
    .select((eb) =>
      eb
        .selectFrom('baseline_entries')
        .select(eb.fn.countAll<number | string>().as('n'))
        .whereRef('baseline_entries.baseline_id', '=', 'baselines.id')
        .where('baseline_entries.superseded_at', 'is', null)
        .as('entry_count'),
    );
}

type BaselineRow = Awaited<
  ReturnType<ReturnType<typeof selectBaselines>['executeTakeFirstOrThrow']>
>;

function rowToBaseline(row: BaselineRow): Baseline {
  return {
    id: row.id,
    projectId: row.project_id,
    batchId: row.batch_id,
    sourceRunId: row.source_run_id,
    ...(row.branch !== null && { branch: row.branch }),
    ...(row.forked_from_id !== null && { forkedFromId: row.forked_from_id }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    entries: Number(row.entry_count ?? 0),
  };
}

export type NewBaseline = Omit<Baseline, 'entries' | 'branch' | 'forkedFromId'> & {
  branch?: string | null | undefined;
  forkedFromId?: string | null | undefined;
};

export async function insertBaseline(conn: Conn, baseline: NewBaseline): Promise<void> {
  await conn
    .insertInto('baselines')
    .values({
      id: baseline.id,
      project_id: baseline.projectId,
      batch_id: baseline.batchId,
      source_run_id: baseline.sourceRunId,
      branch: baseline.branch ?? null,
      forked_from_id: baseline.forkedFromId ?? null,
      created_at: baseline.createdAt,
      updated_at: baseline.updatedAt,
    })
    .execute();
}

/**
 * Serialises approvals that may copy this baseline into a branch's first baseline: on
 * Postgres it row-locks the baseline until the commit, so two approvals on the same branch
 * cannot both find no branch baseline and make two copies. SQLite runs one transaction at a
 * time anyway.
 */
export async function lockBaselineRow(conn: Conn, id: string): Promise<void> {
  if (!(conn.getExecutor().adapter instanceof PostgresAdapter)) return;
  await conn.selectFrom('baselines').select('id').where('id', '=', id).forUpdate().execute();
}

export async function findBaseline(conn: Conn, id: string): Promise<Baseline | undefined> {
  const row = await selectBaselines(conn).where('baselines.id', '=', id).executeTakeFirst();
  return row && rowToBaseline(row);
}

export async function listBaselineRecords(
  conn: Conn,
  filter: {
    batchId?: string | undefined;
    projectId?: string | undefined;
    branch?: string | undefined;
  },
  cursor: string | undefined,
  limit: number,
): Promise<Page<Baseline>> {
  let query = selectBaselines(conn);
  if (filter.batchId !== undefined) query = query.where('baselines.batch_id', '=', filter.batchId);
  if (filter.branch !== undefined) query = query.where('baselines.branch', '=', filter.branch);
  if (filter.projectId !== undefined) {
    query = query.where('baselines.project_id', '=', filter.projectId);
  }
  if (cursor !== undefined) query = query.where(afterCursor(cursor, 'baselines'));
  const rows = await query
    .orderBy('baselines.created_at', 'desc')
    .orderBy('baselines.id', 'desc')
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, rowToBaseline);
}

/** Baselines whose id starts with `prefix` (letters and digits only), at most `limit`. */
export async function findBaselinesByIdPrefix(
  conn: Conn,
  prefix: string,
  limit: number,
): Promise<Baseline[]> {
  const rows = await selectBaselines(conn)
    .where('baselines.id', 'like', `${prefix}%`)
    .orderBy('baselines.created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map(rowToBaseline);
}

/**
 * The batch's newest baseline on one of `branches` (null: recorded without a branch) that a
 * compare run can use: it has images, and the run recording it (if it still exists) is no
 * longer queued or running.
 */
export async function findLatestUsableBaseline(
  conn: Conn,
  batchId: string,
  branches: readonly (string | null)[],
): Promise<Baseline | undefined> {
  const named = branches.filter((b): b is string => b !== null);
  const branchless = branches.includes(null);
  const row = await selectBaselines(conn)
    .leftJoin('runs', 'runs.id', 'baselines.source_run_id')
    .where('baselines.batch_id', '=', batchId)
    .where((eb) =>
      eb.or([
        ...(named.length > 0 ? [eb('baselines.branch', 'in', named)] : []),
        ...(branchless ? [eb('baselines.branch', 'is', null)] : []),
      ]),
    )
    .where((eb) =>
      eb.or([eb('runs.id', 'is', null), eb('runs.status', 'not in', ['queued', 'running'])]),
    )
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('baseline_entries')
          .select('baseline_entries.id')
          .whereRef('baseline_entries.baseline_id', '=', 'baselines.id')
          .where('baseline_entries.superseded_at', 'is', null),
      ),
    )
    .orderBy('baselines.created_at', 'desc')
    .orderBy('baselines.id', 'desc')
    .executeTakeFirst();
  return row && rowToBaseline(row);
}

export async function touchBaseline(conn: Conn, id: string, now: string): Promise<void> {
  await conn.updateTable('baselines').set({ updated_at: now }).where('id', '=', id).execute();
}

/** False when a concurrent transaction deleted it first: this count, not an earlier read, decides. */
export async function deleteBaselineRow(conn: Conn, id: string): Promise<boolean> {
  const result = await conn.deleteFrom('baselines').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

function selectEntries(conn: Conn) {
  return conn
    .selectFrom('baseline_entries')
    .innerJoin('artifacts', 'artifacts.id', 'baseline_entries.artifact_id')
    .leftJoin('artifacts as layouts', 'layouts.id', 'baseline_entries.layout_artifact_id')
    .select([
      'baseline_entries.id',
      'baseline_entries.baseline_id',
      'baseline_entries.matrix_key',
      'baseline_entries.artifact_id',
      'baseline_entries.sha256',
      'baseline_entries.source_execution_id',
      'baseline_entries.approved_by',
      'baseline_entries.created_at',
      'baseline_entries.superseded_at',
      'baseline_entries.environment',
      'artifacts.storage_key',
      'artifacts.blob_key',
      'baseline_entries.layout_artifact_id',
      'layouts.storage_key as layout_storage_key',
      'layouts.blob_key as layout_blob_key',
    ]);
}

type EntryRow = Awaited<ReturnType<ReturnType<typeof selectEntries>['executeTakeFirstOrThrow']>>;

function rowToEntry(row: EntryRow): BaselineEntry {
  return {
    id: row.id,
    baselineId: row.baseline_id,
    matrixKey: row.matrix_key,
    artifactId: row.artifact_id,
    storageKey: row.storage_key,
    fileKey: row.blob_key ?? row.storage_key,
    sha256: row.sha256,
    sourceExecutionId: row.source_execution_id,
    approvedBy: row.approved_by,
    createdAt: row.created_at,
    supersededAt: row.superseded_at,
    environment: fromJson<ExecutionEnvironment | null>(row.environment, null),
    layoutArtifactId: row.layout_artifact_id,
    layoutFileKey: row.layout_blob_key ?? row.layout_storage_key,
  };
}

export async function findCurrentEntry(
  conn: Conn,
  baselineId: string,
  matrixKey: string,
): Promise<BaselineEntry | undefined> {
  const row = await selectEntries(conn)
    .where('baseline_entries.baseline_id', '=', baselineId)
    .where('baseline_entries.matrix_key', '=', matrixKey)
    .where('baseline_entries.superseded_at', 'is', null)
    .executeTakeFirst();
  return row && rowToEntry(row);
}

/** Every image a cell of a baseline has had, newest first (the current one first). */
export async function listCellEntries(
  conn: Conn,
  baselineId: string,
  matrixKey: string,
): Promise<BaselineEntry[]> {
  const rows = await selectEntries(conn)
    .where('baseline_entries.baseline_id', '=', baselineId)
    .where('baseline_entries.matrix_key', '=', matrixKey)
    .orderBy('baseline_entries.created_at', 'desc')
    .orderBy('baseline_entries.superseded_at', (ob) => ob.desc().nullsFirst())
    .execute();
  return rows.map(rowToEntry);
}

/** The cell an entry is for (page, task, browser, viewport). */
export async function findEntryCell(
  conn: Conn,
  entryId: string,
): Promise<
  { pageId: string; taskId: string | null; browser: string; viewportName: string } | undefined
> {
  const row = await conn
    .selectFrom('baseline_entries')
    .select(['page_id', 'task_id', 'browser', 'viewport_name'])
    .where('id', '=', entryId)
    .executeTakeFirst();
  return (
    row && {
      pageId: row.page_id,
      taskId: row.task_id,
      browser: row.browser,
      viewportName: row.viewport_name,
    }
  );
}

/** executionId → runId, for the executions that still exist. */
export async function listRunIdsOfExecutions(
  conn: Conn,
  executionIds: readonly string[],
): Promise<Map<string, string>> {
  if (executionIds.length === 0) return new Map();
  const rows = await conn
    .selectFrom('executions')
    .select(['id', 'run_id'])
    .where('id', 'in', [...new Set(executionIds)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.run_id]));
}

/** The matrix keys a baseline has images for (current or past), sorted. */
export async function listBaselineMatrixKeys(conn: Conn, baselineId: string): Promise<string[]> {
  const rows = await conn
    .selectFrom('baseline_entries')
    .select('matrix_key')
    .distinct()
    .where('baseline_id', '=', baselineId)
    .orderBy('matrix_key')
    .execute();
  return rows.map((r) => r.matrix_key);
}

/** Entries by id (current or superseded), e.g. the images executions were compared with. */
export async function findEntriesByIds(
  conn: Conn,
  ids: readonly string[],
): Promise<BaselineEntry[]> {
  if (ids.length === 0) return [];
  const rows = await selectEntries(conn)
    .where('baseline_entries.id', 'in', [...ids])
    .execute();
  return rows.map(rowToEntry);
}

/** Which of these executions supplied a current baseline image. */
export async function findExecutionsWithCurrentEntries(
  conn: Conn,
  executionIds: readonly string[],
): Promise<Set<string>> {
  if (executionIds.length === 0) return new Set();
  const rows = await conn
    .selectFrom('baseline_entries')
    .select('source_execution_id')
    .where('source_execution_id', 'in', [...executionIds])
    .where('superseded_at', 'is', null)
    .execute();
  return new Set(
    rows.flatMap((r) => (r.source_execution_id === null ? [] : [r.source_execution_id])),
  );
}

/**
 * Copies the current entries of one baseline into another (new rows, the same images): a
 * branch's copy-on-write baseline starts as the baseline its run compared against. Returns
 * how many were copied.
 */
export async function copyCurrentEntries(
  conn: Conn,
  fromBaselineId: string,
  toBaselineId: string,
  now: string,
  newEntryId: () => string,
): Promise<number> {
  const rows = await conn
    .selectFrom('baseline_entries')
    .selectAll()
    .where('baseline_id', '=', fromBaselineId)
    .where('superseded_at', 'is', null)
    .orderBy('matrix_key')
    .execute();
  for (let i = 0; i < rows.length; i += 200) {
    await conn
      .insertInto('baseline_entries')
      .values(
        rows.slice(i, i + 200).map((row) => ({
          ...row,
          id: newEntryId(),
          baseline_id: toBaselineId,
          created_at: now,
          superseded_at: null,
        })),
      )
      .execute();
  }
  return rows.length;
}

export interface NewBaselineEntry {
  id: string;
  baselineId: string;
  matrixKey: string;
  pageId: string;
  taskId: string | null;
  browser: string;
  viewportName: string;
  artifactId: string;
  sha256: string;
  /**
   * The layout snapshot taken with the image; required (null: none exists) so that no writer
   * can forget it: a baseline image and its snapshot travel together.
   */
  layoutArtifactId: string | null;
  sourceExecutionId: string | null;
  /** Who approved it; absent or null: recorded by a baseline run. */
  approvedBy?: string | null;
  createdAt: string;
  /** The fingerprint of the execution it came from. */
  environment?: ExecutionEnvironment | null;
}

export async function insertBaselineEntry(conn: Conn, entry: NewBaselineEntry): Promise<void> {
  await conn
    .insertInto('baseline_entries')
    .values({
      id: entry.id,
      baseline_id: entry.baselineId,
      matrix_key: entry.matrixKey,
      page_id: entry.pageId,
      task_id: entry.taskId,
      browser: entry.browser,
      viewport_name: entry.viewportName,
      artifact_id: entry.artifactId,
      sha256: entry.sha256,
      layout_artifact_id: entry.layoutArtifactId,
      source_execution_id: entry.sourceExecutionId,
      approved_by: entry.approvedBy ?? null,
      created_at: entry.createdAt,
      superseded_at: null,
      environment: entry.environment ? toJson(entry.environment) : null,
    })
    .execute();
}

/** Retires the current entry of a cell (kept as history); returns its id, if there was one. */
export async function supersedeCurrentEntry(
  conn: Conn,
  baselineId: string,
  matrixKey: string,
  now: string,
): Promise<string | undefined> {
  const current = await conn
    .selectFrom('baseline_entries')
    .select('id')
    .where('baseline_id', '=', baselineId)
    .where('matrix_key', '=', matrixKey)
    .where('superseded_at', 'is', null)
    .executeTakeFirst();
  if (!current) return undefined;
  await conn
    .updateTable('baseline_entries')
    .set({ superseded_at: now })
    .where('id', '=', current.id)
    .execute();
  return current.id;
}

/** The run that recorded these baselines is being deleted. */
export async function clearBaselineSourceRun(conn: Conn, runId: string): Promise<void> {
  await conn
    .updateTable('baselines')
    .set({ source_run_id: null })
    .where('source_run_id', '=', runId)
    .execute();
}
