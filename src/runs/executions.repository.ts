import type { Selectable } from 'kysely';
import type { Conn } from '../db/connect.ts';
import type { ExecutionsTable } from '../db/database.ts';
import { fromJson, toJson } from '../db/json.ts';
import type {
  CancelReason,
  CellCapture,
  DeviceEmulation,
  DiffLevel,
  EnvironmentDrift,
  ExecutionEnvironment,
  ExecutionStatus,
  Viewport,
} from '../shared/domain.ts';
import type { DiffDetails } from './run.schema.ts';
import { ownerColumn, type RunOwner } from './runs.repository.ts';

/** An execution as stored (internal: services map it to the public Execution). */
export interface ExecutionRecord {
  id: string;
  runId: string;
  position: number;
  matrixKey: string;
  pageId: string;
  pageName: string;
  taskId: string | null;
  taskName: string | null;
  browser: string;
  viewport: Viewport;
  /** What the cell captures: the whole page, the viewport, or one element. */
  capture: CellCapture;
  status: ExecutionStatus;
  attempt: number;
  error: string | null;
  cancelReason: CancelReason | null;
  httpStatus: number | null;
  finalUrl: string | null;
  baselineEntryId: string | null;
  diffPixels: number | null;
  diffPercent: number | null;
  diffLevel: DiffLevel | null;
  diffDetails: DiffDetails | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** While running: the process running it, and until when its lease holds. */
  owner: string | null;
  leaseExpiresAt: string | null;
  /** What a reviewer said about the outcome; a new outcome starts unreviewed. */
  review: ExecutionReview;
  /** What rendered the screenshot (null: not captured yet, or before issue 18). */
  environment: ExecutionEnvironment | null;
  /** Fingerprint fields that differ from the baseline entry compared against. */
  environmentDrift: EnvironmentDrift[] | null;
}

export const reviewStatuses = ['unreviewed', 'approved', 'rejected'] as const;
export type ReviewStatus = (typeof reviewStatuses)[number];
export interface ExecutionReview {
  status: ReviewStatus;
  by: string | null;
  at: string | null;
}

export type NewExecution = Pick<
  ExecutionRecord,
  | 'id'
  | 'runId'
  | 'position'
  | 'matrixKey'
  | 'pageId'
  | 'pageName'
  | 'taskId'
  | 'taskName'
  | 'browser'
  | 'viewport'
  | 'capture'
  | 'createdAt'
>;

/** What a finished attempt records; every field is written (null clears). */
export interface ExecutionOutcomeUpdate {
  status: 'finished' | 'failed' | 'cancelled';
  error: string | null;
  cancelReason: CancelReason | null;
  httpStatus: number | null;
  finalUrl: string | null;
  baselineEntryId: string | null;
  diffPixels: number | null;
  diffPercent: number | null;
  diffLevel: DiffLevel | null;
  /** The percent diffLevel was graded on (diffPercent, or changedPercent when ignoring moves). */
  levelPercent?: number | null;
  diffDetails: DiffDetails | null;
  finishedAt: string;
  /** Left out: null (the attempt recorded no fingerprint). */
  environment?: ExecutionEnvironment | null;
  environmentDrift?: EnvironmentDrift[] | null;
}

function rowToExecutionRecord(row: Selectable<ExecutionsTable>): ExecutionRecord {
  return {
    id: row.id,
    runId: row.run_id,
    position: row.position,
    matrixKey: row.matrix_key,
    pageId: row.page_id,
    pageName: row.page_name,
    taskId: row.task_id,
    taskName: row.task_name,
    browser: row.browser,
    viewport: {
      name: row.viewport_name,
      width: row.viewport_width,
      height: row.viewport_height,
      ...fromJson<DeviceEmulation>(row.viewport_device, {}),
    },
    capture: fromJson<CellCapture>(row.capture, { scope: 'fullPage' }),
    status: row.status as ExecutionStatus,
    attempt: row.attempt,
    error: row.error,
    cancelReason: row.cancel_reason as CancelReason | null,
    httpStatus: row.http_status,
    finalUrl: row.final_url,
    baselineEntryId: row.baseline_entry_id,
    diffPixels: row.diff_pixels === null ? null : Number(row.diff_pixels),
    diffPercent: row.diff_percent === null ? null : Number(row.diff_percent),
    diffLevel: row.diff_level as DiffLevel | null,
    diffDetails: fromJson<DiffDetails | null>(row.diff_details, null),
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    owner: row.owner,
    leaseExpiresAt: row.lease_expires_at,
    review: {
      status: (reviewStatuses as readonly string[]).includes(row.review_status)
        ? (row.review_status as ReviewStatus)
        : 'unreviewed',
      by: row.reviewed_by,
      at: row.reviewed_at,
    },
    environment: fromJson<ExecutionEnvironment | null>(row.environment, null),
    environmentDrift: fromJson<EnvironmentDrift[] | null>(row.environment_drift, null),
  };
}

/** The viewport's device emulation as stored: null for a plain viewport. */
function deviceColumn(viewport: Viewport): string | null {
  const device: DeviceEmulation = {};
  if (viewport.deviceScaleFactor !== undefined && viewport.deviceScaleFactor !== 1) {
    device.deviceScaleFactor = viewport.deviceScaleFactor;
  }
  if (viewport.isMobile) device.isMobile = true;
  if (viewport.hasTouch) device.hasTouch = true;
  if (viewport.userAgent !== undefined) device.userAgent = viewport.userAgent;
  return Object.keys(device).length === 0 ? null : toJson(device);
}

/** What every change out of `running` writes: the execution has no owner any more. */
const released = { owner: null, lease_expires_at: null } as const;

export async function insertExecutions(conn: Conn, executions: NewExecution[]): Promise<void> {
  // Chunked: SQLite limits the bound parameters of one statement.
  for (let i = 0; i < executions.length; i += 200) {
    await conn
      .insertInto('executions')
      .values(
        executions.slice(i, i + 200).map((e) => ({
          id: e.id,
          run_id: e.runId,
          position: e.position,
          matrix_key: e.matrixKey,
          page_id: e.pageId,
          page_name: e.pageName,
          task_id: e.taskId,
          task_name: e.taskName,
          browser: e.browser,
          viewport_name: e.viewport.name,
          viewport_width: e.viewport.width,
          viewport_height: e.viewport.height,
          viewport_device: deviceColumn(e.viewport),
          capture: e.capture.scope === 'fullPage' ? null : toJson(e.capture),
          status: 'queued',
          attempt: 0,
          created_at: e.createdAt,
        })),
      )
      .execute();
  }
}

export async function findExecution(conn: Conn, id: string): Promise<ExecutionRecord | undefined> {
  const row = await conn
    .selectFrom('executions')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row && rowToExecutionRecord(row);
}

export async function listExecutionsOfRun(conn: Conn, runId: string): Promise<ExecutionRecord[]> {
  const rows = await conn
    .selectFrom('executions')
    .selectAll()
    .where('run_id', '=', runId)
    .orderBy('position')
    .execute();
  return rows.map(rowToExecutionRecord);
}

/** Queued and running executions of a batch's or a project's runs (all their runs). */
export async function listActiveExecutionIds(conn: Conn, owner: RunOwner): Promise<string[]> {
  const { column, id } = ownerColumn(owner);
  const rows = await conn
    .selectFrom('executions')
    .innerJoin('runs', 'runs.id', 'executions.run_id')
    .select('executions.id')
    .where(column, '=', id)
    .where('executions.status', 'in', ['queued', 'running'])
    .execute();
  return rows.map((r) => r.id);
}

/** Ids of a run's executions in these statuses, in matrix order. */
export async function listExecutionIdsOfRun(
  conn: Conn,
  runId: string,
  statuses: readonly ExecutionStatus[],
): Promise<string[]> {
  const rows = await conn
    .selectFrom('executions')
    .select('id')
    .where('run_id', '=', runId)
    .where('status', 'in', [...statuses])
    .orderBy('position')
    .execute();
  return rows.map((r) => r.id);
}

/** Every execution in a status, oldest run first (dispatch at start). */
export async function listExecutionIdsInStatus(
  conn: Conn,
  status: ExecutionStatus,
): Promise<{ id: string; runId: string }[]> {
  const rows = await conn
    .selectFrom('executions')
    .select(['id', 'run_id'])
    .where('status', '=', status)
    .orderBy('created_at')
    .orderBy('position')
    .execute();
  return rows.map((r) => ({ id: r.id, runId: r.run_id }));
}

/** Who takes an execution, and until when the lease holds unless renewed. */
export interface Lease {
  owner: string;
  until: string;
}

/**
 * queued → running, counting the attempt, owned by `lease.owner` until `lease.until`. False when
 * it was not queued (already taken, cancelled or done): the caller skips the job.
 */
export async function claimExecution(
  conn: Conn,
  id: string,
  now: string,
  lease: Lease,
): Promise<boolean> {
  const result = await conn
    .updateTable('executions')
    .set((eb) => ({
      status: 'running',
      attempt: eb('attempt', '+', 1),
      started_at: now,
      finished_at: null,
      error: null,
      cancel_reason: null,
      owner: lease.owner,
      lease_expires_at: lease.until,
    }))
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * The heartbeat: extends the leases of these executions while `owner` still runs them. Rows
 * another process took over (after this one's lease expired) are left alone.
 */
export async function renewLeases(
  conn: Conn,
  ids: readonly string[],
  lease: Lease,
): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await conn
    .updateTable('executions')
    .set({ lease_expires_at: lease.until })
    .where('id', 'in', [...ids])
    .where('owner', '=', lease.owner)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Running executions whose lease has expired (or that never had one), oldest run first. */
export async function listExpiredLeases(
  conn: Conn,
  now: string,
): Promise<{ id: string; runId: string; owner: string | null }[]> {
  const rows = await conn
    .selectFrom('executions')
    .select(['id', 'run_id', 'owner'])
    .where('status', '=', 'running')
    .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', now)]))
    .orderBy('created_at')
    .orderBy('position')
    .execute();
  return rows.map((r) => ({ id: r.id, runId: r.run_id, owner: r.owner }));
}

/** Counts one more attempt of a running execution (a retry after a transient fault). */
export async function incrementAttempt(conn: Conn, id: string, attempt: number): Promise<boolean> {
  const result = await conn
    .updateTable('executions')
    .set({ attempt: attempt + 1 })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .where('attempt', '=', attempt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A new outcome has not been reviewed yet. */
const unreviewed = { review_status: 'unreviewed', reviewed_by: null, reviewed_at: null } as const;

/** Records a reviewer's verdict on the execution's outcome. */
export async function setExecutionReview(
  conn: Conn,
  id: string,
  review: ExecutionReview,
): Promise<void> {
  await conn
    .updateTable('executions')
    .set({ review_status: review.status, reviewed_by: review.by, reviewed_at: review.at })
    .where('id', '=', id)
    .execute();
}

/**
 * Records the outcome of the attempt that is running. False when the execution is no longer
 * running that attempt (cancelled meanwhile): the result is discarded.
 */
export async function completeRunningExecution(
  conn: Conn,
  id: string,
  attempt: number,
  outcome: ExecutionOutcomeUpdate,
): Promise<boolean> {
  const result = await conn
    .updateTable('executions')
    .set({
      status: outcome.status,
      error: outcome.error,
      cancel_reason: outcome.cancelReason,
      http_status: outcome.httpStatus,
      final_url: outcome.finalUrl,
      baseline_entry_id: outcome.baselineEntryId,
      diff_pixels: outcome.diffPixels,
      diff_percent: outcome.diffPercent,
      diff_level: outcome.diffLevel,
      level_percent: outcome.levelPercent ?? null,
      diff_details: outcome.diffDetails === null ? null : toJson(outcome.diffDetails),
      environment: outcome.environment ? toJson(outcome.environment) : null,
      environment_drift: outcome.environmentDrift?.length ? toJson(outcome.environmentDrift) : null,
      finished_at: outcome.finishedAt,
      ...released,
      ...unreviewed,
    })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .where('attempt', '=', attempt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** queued/running → cancelled for these ids; returns the ids that changed. */
export async function cancelExecutionRows(
  conn: Conn,
  ids: readonly string[],
  reason: CancelReason,
  now: string,
): Promise<string[]> {
  if (ids.length === 0) return [];
  const active = await conn
    .selectFrom('executions')
    .select('id')
    .where('id', 'in', [...ids])
    .where('status', 'in', ['queued', 'running'])
    .execute();
  const changed = active.map((r) => r.id);
  if (changed.length === 0) return [];
  await conn
    .updateTable('executions')
    .set({ status: 'cancelled', cancel_reason: reason, finished_at: now, ...released })
    .where('id', 'in', changed)
    .execute();
  return changed;
}

/**
 * Back to queued with the outcome of earlier attempts cleared. `attempt` resets for a user
 * retry, and is kept (or given back) when the process, not the page, stopped the capture.
 */
export async function requeueExecutionRows(
  conn: Conn,
  ids: readonly string[],
  attempt: { reset: true } | { adjust: number },
): Promise<void> {
  if (ids.length === 0) return;
  await conn
    .updateTable('executions')
    .set((eb) => ({
      status: 'queued',
      attempt: 'reset' in attempt ? 0 : eb('attempt', '+', attempt.adjust),
      error: null,
      cancel_reason: null,
      http_status: null,
      final_url: null,
      baseline_entry_id: null,
      diff_pixels: null,
      diff_percent: null,
      diff_level: null,
      level_percent: null,
      diff_details: null,
      environment: null,
      environment_drift: null,
      started_at: null,
      finished_at: null,
      ...released,
    }))
    .where('id', 'in', [...ids])
    .execute();
}

/** running → failed, outside an attempt (recovery gave up on it). */
export async function failExecutionRow(
  conn: Conn,
  id: string,
  error: string,
  now: string,
): Promise<boolean> {
  const result = await conn
    .updateTable('executions')
    .set({ status: 'failed', error, finished_at: now, ...released })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * running → queued for the attempt that is running, giving the attempt back: the process
 * stopped it (graceful shutdown), not the page. False when it no longer runs that attempt.
 */
export async function requeueRunningExecution(
  conn: Conn,
  id: string,
  attempt: number,
): Promise<boolean> {
  const result = await conn
    .updateTable('executions')
    .set({ status: 'queued', attempt: Math.max(0, attempt - 1), started_at: null, ...released })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .where('attempt', '=', attempt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
