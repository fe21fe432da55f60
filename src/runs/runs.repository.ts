import { PostgresAdapter } from 'kysely';
import type { Conn } from '../db/connect.ts';
import { nonEmpty } from '../db/in-list.ts';
import { fromJson } from '../db/json.ts';
import { afterCursor, toPage, type Page } from '../db/pagination.ts';
import type {
  CancelReason,
  EnvironmentDrift,
  ExecutionStatus,
  RunMode,
  RunStatus,
} from '../shared/domain.ts';
import type { DriftedCell, OutcomeGroup } from './run-summary.ts';

/** A run as stored, with what the batch contributes (name, run threshold). */
export interface RunRecord {
  id: string;
  projectId: string;
  batchId: string;
  batchName: string;
  runDiffThreshold: number;
  executionDiffThreshold: number;
  mode: RunMode;
  baselineId: string | null;
  status: RunStatus;
  jiraIssue: string | null;
  branch: string | null;
  /** Null for runs launched before branches existed (they count as on `main`). */
  baseBranch: string | null;
  commit: string | null;
  baselineReason: string | null;
  cancelReason: CancelReason | null;
  deadlineAt: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export type NewRun = Omit<RunRecord, 'batchName' | 'runDiffThreshold' | 'executionDiffThreshold'>;

export interface RunState {
  status: RunStatus;
  cancelReason: CancelReason | null;
  deadlineAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface RunFilter {
  projectId?: string | undefined;
  /** Only runs of these projects (a principal limited to some projects). */
  projectIds?: readonly string[] | undefined;
  batchId?: string | undefined;
  status?: RunStatus | undefined;
  jiraIssue?: string | undefined;
  branch?: string | undefined;
}

function selectRuns(conn: Conn) {
  return conn
    .selectFrom('runs')
    .innerJoin('batches', 'batches.id', 'runs.batch_id')
    .selectAll('runs')
    .select([
      'batches.name as batch_name',
      'batches.run_diff_threshold',
      'batches.execution_diff_threshold',
    ]);
}

type RunRow = Awaited<ReturnType<ReturnType<typeof selectRuns>['executeTakeFirstOrThrow']>>;

function rowToRunRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    batchId: row.batch_id,
    batchName: row.batch_name,
    runDiffThreshold: Number(row.run_diff_threshold),
    executionDiffThreshold: Number(row.execution_diff_threshold),
    mode: row.mode as RunMode,
    baselineId: row.baseline_id,
    status: row.status as RunStatus,
    jiraIssue: row.jira_issue,
    branch: row.branch,
    baseBranch: row.base_branch,
    commit: row.commit_sha,
    baselineReason: row.baseline_reason,
    cancelReason: row.cancel_reason as CancelReason | null,
    deadlineAt: row.deadline_at,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

export async function insertRun(conn: Conn, run: NewRun): Promise<void> {
  await conn
    .insertInto('runs')
    .values({
      id: run.id,
      project_id: run.projectId,
      batch_id: run.batchId,
      mode: run.mode,
      baseline_id: run.baselineId,
      status: run.status,
      jira_issue: run.jiraIssue,
      branch: run.branch,
      base_branch: run.baseBranch,
      commit_sha: run.commit,
      baseline_reason: run.baselineReason,
      cancel_reason: run.cancelReason,
      deadline_at: run.deadlineAt,
      created_at: run.createdAt,
      started_at: run.startedAt,
      finished_at: run.finishedAt,
    })
    .execute();
}

export async function findRun(conn: Conn, id: string): Promise<RunRecord | undefined> {
  const row = await selectRuns(conn).where('runs.id', '=', id).executeTakeFirst();
  return row && rowToRunRecord(row);
}

/**
 * The run, row-locked as lockRunRow locks it, in one query: for transactions that lock the run
 * and then read it.
 */
export async function findRunLocking(conn: Conn, id: string): Promise<RunRecord | undefined> {
  const query = selectRuns(conn).where('runs.id', '=', id);
  const row = await (isPostgres(conn) ? query.forNoKeyUpdate('runs') : query).executeTakeFirst();
  return row && rowToRunRecord(row);
}

/** What owns runs: a batch, or a project (through its batches). */
export type RunOwner = { batchId: string } | { projectId: string };

/** The runs column, and its value, that select an owner's runs. */
export function ownerColumn(owner: RunOwner): {
  column: 'runs.batch_id' | 'runs.project_id';
  id: string;
} {
  return 'batchId' in owner
    ? { column: 'runs.batch_id', id: owner.batchId }
    : { column: 'runs.project_id', id: owner.projectId };
}

/** Ids of every run of a batch or of a project. */
export async function listRunIdsOf(conn: Conn, owner: RunOwner): Promise<string[]> {
  const { column, id } = ownerColumn(owner);
  const rows = await conn.selectFrom('runs').select('id').where(column, '=', id).execute();
  return rows.map((r) => r.id);
}

export async function listRunRecords(
  conn: Conn,
  filter: RunFilter,
  cursor: string | undefined,
  limit: number,
): Promise<Page<RunRecord>> {
  let query = selectRuns(conn);
  if (filter.projectId !== undefined) query = query.where('runs.project_id', '=', filter.projectId);
  if (filter.projectIds !== undefined)
    query = query.where('runs.project_id', 'in', nonEmpty(filter.projectIds));
  if (filter.batchId !== undefined) query = query.where('runs.batch_id', '=', filter.batchId);
  if (filter.status !== undefined) query = query.where('runs.status', '=', filter.status);
  if (filter.jiraIssue !== undefined) query = query.where('runs.jira_issue', '=', filter.jiraIssue);
  if (filter.branch !== undefined) query = query.where('runs.branch', '=', filter.branch);
  if (cursor !== undefined) query = query.where(afterCursor(cursor, 'runs'));
  const rows = await query
    .orderBy('runs.created_at', 'desc')
    .orderBy('runs.id', 'desc')
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, rowToRunRecord);
}

export async function updateRunState(conn: Conn, id: string, state: RunState): Promise<void> {
  await conn
    .updateTable('runs')
    .set({
      status: state.status,
      cancel_reason: state.cancelReason,
      deadline_at: state.deadlineAt,
      started_at: state.startedAt,
      finished_at: state.finishedAt,
    })
    .where('id', '=', id)
    .execute();
}

/** False when a concurrent transaction deleted it first: this count, not an earlier read, decides. */
export async function deleteRunRow(conn: Conn, id: string): Promise<boolean> {
  const result = await conn.deleteFrom('runs').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Runs not yet terminal whose deadline has passed. */
export async function findOverdueRunIds(conn: Conn, now: string): Promise<string[]> {
  const rows = await conn
    .selectFrom('runs')
    .select('id')
    .where('status', 'in', ['queued', 'running'])
    .where('deadline_at', '<=', now)
    .execute();
  return rows.map((r) => r.id);
}

/** Runs of a baseline that are still queued or running. */
export async function findActiveRunIdsUsingBaseline(
  conn: Conn,
  baselineId: string,
): Promise<string[]> {
  const rows = await conn
    .selectFrom('runs')
    .select('id')
    .where('baseline_id', '=', baselineId)
    .where('status', 'in', ['queued', 'running'])
    .execute();
  return rows.map((r) => r.id);
}

/** How many of a run's executions are in each status, and how many were cancelled by timeout. */
export interface ExecutionCounts {
  byStatus: Record<ExecutionStatus, number>;
  timedOut: number;
}

/** The run's ExecutionCounts, in one query. */
export async function countRunExecutions(conn: Conn, runId: string): Promise<ExecutionCounts> {
  const rows = await conn
    .selectFrom('executions')
    .select(['status', 'cancel_reason', conn.fn.countAll<number | string>().as('n')])
    .where('run_id', '=', runId)
    .groupBy(['status', 'cancel_reason'])
    .execute();
  const byStatus: Record<ExecutionStatus, number> = {
    queued: 0,
    running: 0,
    finished: 0,
    failed: 0,
    cancelled: 0,
  };
  let timedOut = 0;
  for (const row of rows) {
    const status = row.status as ExecutionStatus;
    byStatus[status] += Number(row.n);
    if (status === 'cancelled' && (row.cancel_reason as CancelReason | null) === 'timeout') {
      timedOut += Number(row.n);
    }
  }
  return { byStatus, timedOut };
}

/** The runs' executions, counted per status and diff level (see OutcomeGroup). */
export async function listOutcomeGroups(
  conn: Conn,
  runIds: readonly string[],
): Promise<(OutcomeGroup & { runId: string })[]> {
  if (runIds.length === 0) return [];
  const rows = await conn
    .selectFrom('executions')
    .select((eb) => [
      'run_id',
      'status',
      'diff_level',
      eb.fn.countAll<number | string>().as('n'),
      eb.fn.sum<number | string | null>('diff_percent').as('sum_percent'),
      eb.fn.max<number | string | null>('diff_percent').as('max_percent'),
      // Rows recorded before level_percent: their diff_percent graded them.
      eb.fn
        .max<number | string | null>(eb.fn.coalesce('level_percent', 'diff_percent'))
        .as('max_level_percent'),
    ])
    .where('run_id', 'in', [...runIds])
    .groupBy(['run_id', 'status', 'diff_level'])
    .execute();
  return rows.map((row) => ({
    runId: row.run_id,
    status: row.status as ExecutionStatus,
    diffLevel: row.diff_level,
    count: Number(row.n),
    sumDiffPercent: Number(row.sum_percent ?? 0),
    maxDiffPercent: Number(row.max_percent ?? 0),
    maxLevelPercent: Number(row.max_level_percent ?? 0),
  }));
}

/** The runs' executions whose environment drifted from their baseline entry's (few, usually none). */
export async function listDriftedCells(
  conn: Conn,
  runIds: readonly string[],
): Promise<(DriftedCell & { runId: string })[]> {
  if (runIds.length === 0) return [];
  const rows = await conn
    .selectFrom('executions')
    .select(['run_id', 'browser', 'environment_drift'])
    .where('run_id', 'in', [...runIds])
    .where('environment_drift', 'is not', null)
    .execute();
  return rows.map((row) => ({
    runId: row.run_id,
    browser: row.browser,
    drift: fromJson<EnvironmentDrift[]>(row.environment_drift, []),
  }));
}

/**
 * Serialises the transitions of one run: call it first in a transaction that changes the run's
 * executions. On Postgres it row-locks the run until the commit, so two executions ending at
 * once cannot both count the other as still running (each sees the other's commit once it
 * holds the lock), and taking the run first keeps the lock order the same everywhere (no
 * deadlocks with cancelRun). SQLite runs one transaction at a time anyway.
 */
export async function lockRunRow(conn: Conn, runId: string): Promise<void> {
  if (!isPostgres(conn)) return;
  await conn.selectFrom('runs').select('id').where('id', '=', runId).forNoKeyUpdate().execute();
}

/**
 * lockRunRow for every run of a batch or project, in id order: a deletion takes them before
 * anything else, in the order every run transition takes its locks (the run, then the rows it
 * references). Deleting the batch first locked it, then waited on a run a transition held,
 * while the transition waited on the batch (a foreign-key check): a deadlock.
 */
export async function lockRunsOf(conn: Conn, owner: RunOwner): Promise<void> {
  if (!isPostgres(conn)) return;
  const { column, id } = ownerColumn(owner);
  await conn
    .selectFrom('runs')
    .select('id')
    .where(column, '=', id)
    .orderBy('id')
    .forUpdate()
    .execute();
}

function isPostgres(conn: Conn): boolean {
  return conn.getExecutor().adapter instanceof PostgresAdapter;
}
