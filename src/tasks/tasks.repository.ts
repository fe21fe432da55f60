import type { Selectable } from 'kysely';
import type { Conn } from '../db/connect.ts';
import type { TasksTable } from '../db/database.ts';
import { fromJson, toJson } from '../db/json.ts';
import type { Page as Listing } from '../db/pagination.ts';
import { listRowsOfProject } from '../db/project-rows.ts';
import type { Action, CaptureScope } from '../shared/domain.ts';
import type { Task } from './task.schema.ts';

function rowToTask(row: Selectable<TasksTable>): Task {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    actions: fromJson<Action[]>(row.actions, []),
    ...(row.script !== null && { script: row.script }),
    ...(row.capture !== null && {
      capture: fromJson<CaptureScope>(row.capture, { scope: 'fullPage' }),
    }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function findTask(conn: Conn, id: string): Promise<Task | undefined> {
  const row = await conn.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
  return row && rowToTask(row);
}

/** The tasks with these ids that exist (any project), in the order of `ids`. */
export async function findTasks(conn: Conn, ids: string[]): Promise<Task[]> {
  if (ids.length === 0) return [];
  const rows = await conn.selectFrom('tasks').selectAll().where('id', 'in', ids).execute();
  const byId = new Map(rows.map((row) => [row.id, rowToTask(row)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function findTaskByName(
  conn: Conn,
  projectId: string,
  name: string,
): Promise<Task | undefined> {
  const row = await conn
    .selectFrom('tasks')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('name', '=', name)
    .executeTakeFirst();
  return row && rowToTask(row);
}

export function listTasksOfProject(
  conn: Conn,
  projectId: string,
  cursor: string | undefined,
  limit: number,
): Promise<Listing<Task>> {
  return listRowsOfProject(conn, 'tasks', projectId, cursor, limit, rowToTask);
}

export async function insertTask(conn: Conn, task: Task): Promise<void> {
  await conn
    .insertInto('tasks')
    .values({
      id: task.id,
      project_id: task.projectId,
      name: task.name,
      actions: toJson(task.actions),
      script: task.script ?? null,
      capture: task.capture === undefined ? null : toJson(task.capture),
      created_at: task.createdAt,
      updated_at: task.updatedAt,
    })
    .execute();
}

export async function updateTaskRow(conn: Conn, task: Task): Promise<void> {
  await conn
    .updateTable('tasks')
    .set({
      name: task.name,
      actions: toJson(task.actions),
      script: task.script ?? null,
      capture: task.capture === undefined ? null : toJson(task.capture),
      updated_at: task.updatedAt,
    })
    .where('id', '=', task.id)
    .execute();
}

/** False when a concurrent transaction deleted it first: this count, not an earlier read, decides. */
export async function deleteTaskRow(conn: Conn, id: string): Promise<boolean> {
  const result = await conn.deleteFrom('tasks').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
