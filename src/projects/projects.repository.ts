import type { Selectable } from 'kysely';
import type { Conn } from '../db/connect.ts';
import { nonEmpty } from '../db/in-list.ts';
import type { ProjectsTable } from '../db/database.ts';
import { afterCursor, toPage, type Page } from '../db/pagination.ts';
import type { Project } from './project.schema.ts';

function rowToProject(row: Selectable<ProjectsTable>): Project {
  return {
    id: row.id,
    name: row.name,
    ...(row.description !== null && { description: row.description }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function findProject(conn: Conn, id: string): Promise<Project | undefined> {
  const row = await conn.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
  return row && rowToProject(row);
}

export async function findProjectByName(conn: Conn, name: string): Promise<Project | undefined> {
  const row = await conn
    .selectFrom('projects')
    .selectAll()
    .where('name', '=', name)
    .executeTakeFirst();
  return row && rowToProject(row);
}

export async function listProjects(
  conn: Conn,
  cursor: string | undefined,
  limit: number,
  projectIds?: readonly string[],
): Promise<Page<Project>> {
  let query = conn.selectFrom('projects').selectAll();
  if (projectIds !== undefined) query = query.where('id', 'in', nonEmpty(projectIds));
  if (cursor !== undefined) query = query.where(afterCursor(cursor));
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, rowToProject);
}

export async function insertProject(conn: Conn, project: Project): Promise<void> {
  await conn
    .insertInto('projects')
    .values({
      id: project.id,
      name: project.name,
      description: project.description ?? null,
      created_at: project.createdAt,
      updated_at: project.updatedAt,
    })
    .execute();
}

export async function updateProjectRow(conn: Conn, project: Project): Promise<void> {
  await conn
    .updateTable('projects')
    .set({
      name: project.name,
      description: project.description ?? null,
      updated_at: project.updatedAt,
    })
    .where('id', '=', project.id)
    .execute();
}

/** False when a concurrent transaction deleted it first: this count, not an earlier read, decides. */
export async function deleteProjectRow(conn: Conn, id: string): Promise<boolean> {
  const result = await conn.deleteFrom('projects').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
