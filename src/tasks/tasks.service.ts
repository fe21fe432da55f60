import type { AppContext } from '../app-context.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../audit/audit.types.ts';
import { inUseConflict } from '../batches/batch-refs.ts';
import { listBatchesUsingTask } from '../batches/batches.repository.ts';
import type { Conn } from '../db/connect.ts';
import { inTransaction } from '../db/transaction.ts';
import { pageSize, type Page as Listing, type PageRequest } from '../db/pagination.ts';
import { getProject } from '../projects/projects.service.ts';
import { creationStamp, nowIso } from '../shared/clock.ts';
import { notFound } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { assertNameFreeInProject } from '../shared/unique-name.ts';
import { patchOptional } from '../shared/patch.ts';
import type { CreateTaskInput, Task, UpdateTaskInput } from './task.schema.ts';
import {
  deleteTaskRow,
  findTask,
  findTaskByName,
  insertTask,
  listTasksOfProject,
  updateTaskRow,
} from './tasks.repository.ts';

export async function getTask(conn: Conn, id: string): Promise<Task> {
  const task = await findTask(conn, id);
  if (!task) throw notFound('task', id);
  return task;
}

export async function listTasks(
  ctx: AppContext,
  projectId: string,
  request: PageRequest,
): Promise<Listing<Task>> {
  await getProject(ctx.db, projectId);
  return listTasksOfProject(ctx.db, projectId, request.cursor, pageSize(request));
}

export function createTask(
  ctx: AppContext,
  projectId: string,
  input: CreateTaskInput,
  actor: Actor,
): Promise<Task> {
  return inTransaction(ctx.db, async (trx) => {
    await getProject(trx, projectId);
    assertNameFreeInProject('task', await findTaskByName(trx, projectId, input.name), input.name);
    const now = creationStamp();
    const task: Task = {
      id: newId(),
      projectId,
      name: input.name,
      actions: input.actions ?? [],
      ...(input.script !== undefined && { script: input.script }),
      ...(input.capture !== undefined && { capture: input.capture }),
      createdAt: now,
      updatedAt: now,
    };
    await insertTask(trx, task);
    await recordAudit(trx, {
      actor,
      action: 'create',
      entityType: 'task',
      entityId: task.id,
      projectId,
      before: null,
      after: task,
    });
    return task;
  });
}

export function updateTask(
  ctx: AppContext,
  id: string,
  input: UpdateTaskInput,
  actor: Actor,
): Promise<Task> {
  return inTransaction(ctx.db, async (trx) => {
    const before = await getTask(trx, id);
    if (input.name !== undefined) {
      const existing = await findTaskByName(trx, before.projectId, input.name);
      assertNameFreeInProject('task', existing, input.name, id);
    }
    await updateTaskRow(trx, {
      ...before,
      name: input.name ?? before.name,
      actions: input.actions ?? before.actions,
      script: patchOptional(input.script, before.script),
      capture: patchOptional(input.capture, before.capture),
      updatedAt: nowIso(),
    });
    const after = await getTask(trx, id);
    await recordAudit(trx, {
      actor,
      action: 'update',
      entityType: 'task',
      entityId: id,
      projectId: before.projectId,
      before,
      after,
    });
    return after;
  });
}

export function deleteTask(ctx: AppContext, id: string, actor: Actor): Promise<void> {
  return inTransaction(ctx.db, async (trx) => {
    const before = await getTask(trx, id);
    const users = await listBatchesUsingTask(trx, id);
    if (users.length > 0) {
      throw inUseConflict(`task '${before.name}'`, users, 'remove the task from them first');
    }
    if (!(await deleteTaskRow(trx, id))) throw notFound('task', id);
    await recordAudit(trx, {
      actor,
      action: 'delete',
      entityType: 'task',
      entityId: id,
      projectId: before.projectId,
      before,
      after: null,
    });
  });
}
