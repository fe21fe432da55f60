import type { Selectable } from 'kysely';
import type { Conn } from '../db/connect.ts';
import type { ScheduleFiresTable, SchedulesTable } from '../db/database.ts';
import type { RunMode } from '../shared/domain.ts';
import { nextFireOf, type Schedule, type ScheduleFire } from './schedule.schema.ts';

function rowToSchedule(row: Selectable<SchedulesTable>, now = new Date()): Schedule {
  const schedule = {
    id: row.id,
    projectId: row.project_id,
    batchId: row.batch_id,
    cron: row.cron,
    timezone: row.timezone,
    mode: row.mode as RunMode,
    ...(row.branch !== null && { branch: row.branch }),
    active: Boolean(row.active),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  return { ...schedule, nextFireAt: nextFireOf(schedule, now) };
}

export async function findSchedule(conn: Conn, id: string): Promise<Schedule | undefined> {
  const row = await conn
    .selectFrom('schedules')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row && rowToSchedule(row);
}

/** The batch's schedules, oldest first. */
export async function listSchedulesOfBatch(conn: Conn, batchId: string): Promise<Schedule[]> {
  const rows = await conn
    .selectFrom('schedules')
    .selectAll()
    .where('batch_id', '=', batchId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => rowToSchedule(row));
}

export async function listSchedulesOfProject(conn: Conn, projectId: string): Promise<Schedule[]> {
  const rows = await conn
    .selectFrom('schedules')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => rowToSchedule(row));
}

export async function listActiveSchedules(conn: Conn): Promise<Schedule[]> {
  const rows = await conn.selectFrom('schedules').selectAll().where('active', '=', 1).execute();
  return rows.map((row) => rowToSchedule(row));
}

function columns(schedule: Schedule) {
  return {
    cron: schedule.cron,
    timezone: schedule.timezone,
    mode: schedule.mode,
    branch: schedule.branch ?? null,
    active: schedule.active ? 1 : 0,
    updated_at: schedule.updatedAt,
  };
}

export async function insertSchedule(conn: Conn, schedule: Schedule): Promise<void> {
  await conn
    .insertInto('schedules')
    .values({
      id: schedule.id,
      project_id: schedule.projectId,
      batch_id: schedule.batchId,
      ...columns(schedule),
      created_at: schedule.createdAt,
    })
    .execute();
}

export async function updateScheduleRow(conn: Conn, schedule: Schedule): Promise<void> {
  await conn
    .updateTable('schedules')
    .set(columns(schedule))
    .where('id', '=', schedule.id)
    .execute();
}

export async function deleteScheduleRow(conn: Conn, id: string): Promise<boolean> {
  const result = await conn.deleteFrom('schedules').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * Claims the schedule's fire at `fireAt` for this process. The primary key decides: of several
 * processes claiming the same fire, exactly one gets true.
 */
export async function claimFire(
  conn: Conn,
  scheduleId: string,
  fireAt: string,
  claimedBy: string,
  now: string,
): Promise<boolean> {
  const result = await conn
    .insertInto('schedule_fires')
    .values({
      schedule_id: scheduleId,
      fire_at: fireAt,
      claimed_by: claimedBy,
      outcome: 'claimed',
      run_id: null,
      detail: null,
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['schedule_id', 'fire_at']).doNothing())
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

export async function recordFireOutcome(
  conn: Conn,
  scheduleId: string,
  fireAt: string,
  outcome: ScheduleFire['outcome'],
  runId: string | null,
  detail: string | null,
): Promise<void> {
  await conn
    .updateTable('schedule_fires')
    .set({ outcome, run_id: runId, detail })
    .where('schedule_id', '=', scheduleId)
    .where('fire_at', '=', fireAt)
    .execute();
}

/** A run launched by one of the batch's schedules that is still queued or running. */
export async function findScheduledRunInFlight(
  conn: Conn,
  batchId: string,
): Promise<string | undefined> {
  const row = await conn
    .selectFrom('schedule_fires')
    .innerJoin('schedules', 'schedules.id', 'schedule_fires.schedule_id')
    .innerJoin('runs', 'runs.id', 'schedule_fires.run_id')
    .select('runs.id')
    .where('schedules.batch_id', '=', batchId)
    .where('runs.status', 'in', ['queued', 'running'])
    .executeTakeFirst();
  return row?.id;
}

function rowToFire(row: Selectable<ScheduleFiresTable>): ScheduleFire {
  return {
    fireAt: row.fire_at,
    outcome: row.outcome as ScheduleFire['outcome'],
    ...(row.run_id !== null && { runId: row.run_id }),
    ...(row.detail !== null && { detail: row.detail }),
    claimedBy: row.claimed_by,
  };
}

/** The schedule's most recent fires, newest first. */
export async function listFires(
  conn: Conn,
  scheduleId: string,
  limit: number,
): Promise<ScheduleFire[]> {
  const rows = await conn
    .selectFrom('schedule_fires')
    .selectAll()
    .where('schedule_id', '=', scheduleId)
    .orderBy('fire_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map(rowToFire);
}
