import type { AppContext } from '../app-context.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../audit/audit.types.ts';
import { getBatch } from '../batches/batches.service.ts';
import type { Conn } from '../db/connect.ts';
import { inTransaction } from '../db/transaction.ts';
import { creationStamp, nowIso } from '../shared/clock.ts';
import { notFound } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { patchOptional } from '../shared/patch.ts';
import {
  nextFireOf,
  type CreateScheduleInput,
  type Schedule,
  type UpdateScheduleInput,
} from './schedule.schema.ts';
import {
  deleteScheduleRow,
  findSchedule,
  insertSchedule,
  listSchedulesOfBatch,
  updateScheduleRow,
} from './schedules.repository.ts';

/** What the audit log records of a schedule: its settings, not the moving next fire time. */
function audited(schedule: Schedule): Record<string, unknown> {
  const { nextFireAt: _next, ...rest } = schedule;
  return rest;
}

export async function getSchedule(conn: Conn, id: string): Promise<Schedule> {
  const schedule = await findSchedule(conn, id);
  if (!schedule) throw notFound('schedule', id);
  return schedule;
}

export async function listSchedules(conn: Conn, batchId: string): Promise<Schedule[]> {
  await getBatch(conn, batchId);
  return listSchedulesOfBatch(conn, batchId);
}

export function createSchedule(
  ctx: AppContext,
  batchId: string,
  input: CreateScheduleInput,
  actor: Actor,
): Promise<Schedule> {
  return inTransaction(ctx.db, async (trx) => {
    const batch = await getBatch(trx, batchId);
    const now = creationStamp();
    const fields = {
      cron: input.cron,
      timezone: input.timezone ?? 'UTC',
      active: input.active ?? true,
    };
    const schedule: Schedule = {
      id: newId(),
      projectId: batch.projectId,
      batchId,
      ...fields,
      mode: input.mode ?? 'compare',
      ...(input.branch !== undefined && { branch: input.branch }),
      nextFireAt: nextFireOf(fields),
      createdAt: now,
      updatedAt: now,
    };
    await insertSchedule(trx, schedule);
    await recordAudit(trx, {
      actor,
      action: 'create',
      entityType: 'schedule',
      entityId: schedule.id,
      projectId: batch.projectId,
      before: null,
      after: audited(schedule),
    });
    return schedule;
  });
}

export function updateSchedule(
  ctx: AppContext,
  id: string,
  input: UpdateScheduleInput,
  actor: Actor,
): Promise<Schedule> {
  return inTransaction(ctx.db, async (trx) => {
    const before = await getSchedule(trx, id);
    const patched = {
      ...before,
      cron: input.cron ?? before.cron,
      timezone: input.timezone ?? before.timezone,
      mode: input.mode ?? before.mode,
      branch: patchOptional(input.branch, before.branch),
      active: input.active ?? before.active,
      updatedAt: nowIso(),
    };
    const after: Schedule = { ...patched, nextFireAt: nextFireOf(patched) };
    await updateScheduleRow(trx, after);
    await recordAudit(trx, {
      actor,
      action: 'update',
      entityType: 'schedule',
      entityId: id,
      projectId: before.projectId,
      before: audited(before),
      after: audited(after),
    });
    return after;
  });
}

export function deleteSchedule(ctx: AppContext, id: string, actor: Actor): Promise<void> {
  return inTransaction(ctx.db, async (trx) => {
    const before = await getSchedule(trx, id);
    if (!(await deleteScheduleRow(trx, id))) throw notFound('schedule', id);
    await recordAudit(trx, {
      actor,
      action: 'delete',
      entityType: 'schedule',
      entityId: id,
      projectId: before.projectId,
      before: audited(before),
      after: null,
    });
  });
}
