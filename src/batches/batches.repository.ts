import { PostgresAdapter, type Selectable } from 'kysely';
import type { Conn } from '../db/connect.ts';
import type { BatchesTable } from '../db/database.ts';
import { fromJson, toJson } from '../db/json.ts';
import type { Page as Listing } from '../db/pagination.ts';
import { listRowsOfProject } from '../db/project-rows.ts';
import type { EnvironmentDriftPolicy } from '../shared/domain.ts';
import {
  defaultEnvironmentDriftPolicy,
  environmentDriftPolicies,
  type Batch,
} from './batch.schema.ts';

// A batch's pages and tasks live in batch_pages/batch_tasks (ordered by position), so that a
// page or task in use cannot be deleted (foreign key restrict) and "who uses this" is a query.

export interface BatchRef {
  id: string;
  name: string;
}

/** What the settings guard needs to know about a batch. */
export interface BatchUsage extends BatchRef {
  projectId: string;
  browsers: string[];
  viewports: string[];
}

type Selection = { pageIds: string[]; taskIds: string[] };

async function selectionsOf(conn: Conn, batchIds: string[]): Promise<Map<string, Selection>> {
  const selections = new Map<string, Selection>(
    batchIds.map((id) => [id, { pageIds: [], taskIds: [] }]),
  );
  if (batchIds.length === 0) return selections;
  const pages = await conn
    .selectFrom('batch_pages')
    .select(['batch_id', 'page_id'])
    .where('batch_id', 'in', batchIds)
    .orderBy('batch_id')
    .orderBy('position')
    .execute();
  const tasks = await conn
    .selectFrom('batch_tasks')
    .select(['batch_id', 'task_id'])
    .where('batch_id', 'in', batchIds)
    .orderBy('batch_id')
    .orderBy('position')
    .execute();
  for (const row of pages) selections.get(row.batch_id)?.pageIds.push(row.page_id);
  for (const row of tasks) selections.get(row.batch_id)?.taskIds.push(row.task_id);
  return selections;
}

function rowToBatch(row: Selectable<BatchesTable>, selection: Selection | undefined): Batch {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    pageIds: selection?.pageIds ?? [],
    taskIds: selection?.taskIds ?? [],
    browsers: fromJson<string[]>(row.browsers, []),
    viewports: fromJson<string[]>(row.viewports, []),
    ...(row.jira_issue !== null && { jiraIssue: row.jira_issue }),
    executionDiffThreshold: Number(row.execution_diff_threshold),
    runDiffThreshold: Number(row.run_diff_threshold),
    freezeTime: Boolean(row.freeze_time),
    seedRandom: Boolean(row.seed_random),
    recordVideo: Boolean(row.record_video),
    ...(row.frozen_time !== null && { frozenTime: row.frozen_time }),
    onEnvironmentDrift: driftPolicyOf(row.on_environment_drift),
    ignoreMoves: row.ignore_moves === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

async function rowsToBatches(conn: Conn, rows: Selectable<BatchesTable>[]): Promise<Batch[]> {
  const selections = await selectionsOf(
    conn,
    rows.map((r) => r.id),
  );
  return rows.map((row) => rowToBatch(row, selections.get(row.id)));
}

export async function findBatch(conn: Conn, id: string): Promise<Batch | undefined> {
  const row = await conn.selectFrom('batches').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const [batch] = await rowsToBatches(conn, [row]);
  return batch;
}

export async function findBatchByName(
  conn: Conn,
  projectId: string,
  name: string,
): Promise<BatchRef | undefined> {
  return conn
    .selectFrom('batches')
    .select(['id', 'name'])
    .where('project_id', '=', projectId)
    .where('name', '=', name)
    .executeTakeFirst();
}

export async function listBatchesOfProject(
  conn: Conn,
  projectId: string,
  cursor: string | undefined,
  limit: number,
): Promise<Listing<Batch>> {
  const page = await listRowsOfProject(conn, 'batches', projectId, cursor, limit, (row) => row);
  return { items: await rowsToBatches(conn, page.items), nextCursor: page.nextCursor };
}

async function writeSelection(conn: Conn, batch: Batch): Promise<void> {
  await conn.deleteFrom('batch_pages').where('batch_id', '=', batch.id).execute();
  await conn.deleteFrom('batch_tasks').where('batch_id', '=', batch.id).execute();
  if (batch.pageIds.length > 0) {
    await conn
      .insertInto('batch_pages')
      .values(
        batch.pageIds.map((pageId, position) => ({
          batch_id: batch.id,
          page_id: pageId,
          position,
        })),
      )
      .execute();
  }
  if (batch.taskIds.length > 0) {
    await conn
      .insertInto('batch_tasks')
      .values(
        batch.taskIds.map((taskId, position) => ({
          batch_id: batch.id,
          task_id: taskId,
          position,
        })),
      )
      .execute();
  }
}

function batchToColumns(batch: Batch) {
  return {
    name: batch.name,
    browsers: toJson(batch.browsers),
    viewports: toJson(batch.viewports),
    jira_issue: batch.jiraIssue ?? null,
    execution_diff_threshold: batch.executionDiffThreshold,
    run_diff_threshold: batch.runDiffThreshold,
    freeze_time: batch.freezeTime ? 1 : 0,
    seed_random: batch.seedRandom ? 1 : 0,
    record_video: batch.recordVideo ? 1 : 0,
    frozen_time: batch.frozenTime ?? null,
    on_environment_drift:
      batch.onEnvironmentDrift === defaultEnvironmentDriftPolicy ? null : batch.onEnvironmentDrift,
    ignore_moves: batch.ignoreMoves ? 1 : null,
    updated_at: batch.updatedAt,
  };
}

export async function insertBatch(conn: Conn, batch: Batch): Promise<void> {
  await conn
    .insertInto('batches')
    .values({
      id: batch.id,
      project_id: batch.projectId,
      ...batchToColumns(batch),
      created_at: batch.createdAt,
    })
    .execute();
  await writeSelection(conn, batch);
}

export async function updateBatchRow(conn: Conn, batch: Batch): Promise<void> {
  await conn.updateTable('batches').set(batchToColumns(batch)).where('id', '=', batch.id).execute();
  await writeSelection(conn, batch);
}

/** How the pages of a run's batch are made deterministic (issue 16); undefined: no such run. */
export async function findRunBatchDeterminism(
  conn: Conn,
  runId: string,
): Promise<
  | {
      freezeTime: boolean;
      seedRandom: boolean;
      frozenTime?: string;
      onEnvironmentDrift: EnvironmentDriftPolicy;
      ignoreMoves: boolean;
      recordVideo: boolean;
    }
  | undefined
> {
  const row = await conn
    .selectFrom('runs')
    .innerJoin('batches', 'batches.id', 'runs.batch_id')
    .select([
      'batches.freeze_time',
      'batches.seed_random',
      'batches.frozen_time',
      'batches.on_environment_drift',
      'batches.ignore_moves',
      'batches.record_video',
    ])
    .where('runs.id', '=', runId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    freezeTime: Boolean(row.freeze_time),
    seedRandom: Boolean(row.seed_random),
    ...(row.frozen_time !== null && { frozenTime: row.frozen_time }),
    onEnvironmentDrift: driftPolicyOf(row.on_environment_drift),
    ignoreMoves: row.ignore_moves === 1,
    recordVideo: Boolean(row.record_video),
  };
}

function driftPolicyOf(column: string | null): EnvironmentDriftPolicy {
  return environmentDriftPolicies.find((p) => p === column) ?? defaultEnvironmentDriftPolicy;
}

/**
 * Deletes the batch; its selection, runs (with executions and logs) and baselines cascade. False
 * when a concurrent transaction deleted it first: this count, not an earlier read, decides.
 */
export async function deleteBatchRow(conn: Conn, id: string): Promise<boolean> {
  const result = await conn.deleteFrom('batches').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * Holds the batch against deletion until the commit: take it first in a transaction that adds
 * rows under the batch (a run, its baseline). A deletion already under way makes it wait, and
 * the batch then reads as gone (404) instead of the inserts failing their foreign keys. Taken
 * before the inserts lock the project row, it keeps the order a project deletion takes (batch,
 * then project): the opposite order deadlocked. SQLite runs one transaction at a time anyway.
 */
export async function lockBatchAgainstDeletion(conn: Conn, id: string): Promise<void> {
  if (!(conn.getExecutor().adapter instanceof PostgresAdapter)) return;
  await conn.selectFrom('batches').select('id').where('id', '=', id).forKeyShare().execute();
}

/**
 * Deletes every batch of a project (with their runs and baselines). Deleting the project row
 * alone is not enough on Postgres: batch_pages/batch_tasks restrict the deletion of pages and
 * tasks, and baseline_entries that of artifacts, and Postgres checks RESTRICT while the
 * cascade from projects is still under way, before it has reached the batches.
 */
export async function deleteBatchesOfProject(conn: Conn, projectId: string): Promise<void> {
  await conn.deleteFrom('batches').where('project_id', '=', projectId).execute();
}

export async function listBatchesUsingPage(conn: Conn, pageId: string): Promise<BatchRef[]> {
  return conn
    .selectFrom('batch_pages')
    .innerJoin('batches', 'batches.id', 'batch_pages.batch_id')
    .select(['batches.id', 'batches.name'])
    .where('batch_pages.page_id', '=', pageId)
    .orderBy('batches.name')
    .execute();
}

export async function listBatchesUsingTask(conn: Conn, taskId: string): Promise<BatchRef[]> {
  return conn
    .selectFrom('batch_tasks')
    .innerJoin('batches', 'batches.id', 'batch_tasks.batch_id')
    .select(['batches.id', 'batches.name'])
    .where('batch_tasks.task_id', '=', taskId)
    .orderBy('batches.name')
    .execute();
}

/** Browsers and viewports every batch uses (of one project, or of all). */
export async function listBatchUsage(conn: Conn, projectId?: string): Promise<BatchUsage[]> {
  let query = conn
    .selectFrom('batches')
    .select(['id', 'name', 'project_id', 'browsers', 'viewports']);
  if (projectId !== undefined) query = query.where('project_id', '=', projectId);
  const rows = await query.orderBy('name').execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    projectId: r.project_id,
    browsers: fromJson<string[]>(r.browsers, []),
    viewports: fromJson<string[]>(r.viewports, []),
  }));
}
