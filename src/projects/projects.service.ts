import type { AppContext } from '../app-context.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../audit/audit.types.ts';
import { removeArtifactFiles } from '../artifacts/artifact-removal.ts';
import { listArtifactFilesOfProject } from '../artifacts/artifacts.repository.ts';
import { deleteBatchesOfProject } from '../batches/batches.repository.ts';
import { announceRemovedRuns, runsRemovedWith } from '../runs/run-removal.ts';
import { pageSize, type Page, type PageRequest } from '../db/pagination.ts';
import type { Conn } from '../db/connect.ts';
import { inTransaction } from '../db/transaction.ts';
import { creationStamp, nowIso } from '../shared/clock.ts';
import { conflict, notFound } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import type { CreateProjectInput, Project, UpdateProjectInput } from './project.schema.ts';
import {
  deleteProjectRow,
  findProject,
  findProjectByName,
  insertProject,
  listProjects as listProjectRows,
  updateProjectRow,
} from './projects.repository.ts';

export async function getProject(conn: Conn, id: string): Promise<Project> {
  const project = await findProject(conn, id);
  if (!project) throw notFound('project', id);
  return project;
}

/** `projectIds`: only these (a principal limited to some projects). */
export function listProjects(
  ctx: AppContext,
  request: PageRequest & { projectIds?: readonly string[] | undefined },
): Promise<Page<Project>> {
  return listProjectRows(ctx.db, request.cursor, pageSize(request), request.projectIds);
}

async function assertNameFree(conn: Conn, name: string, exceptId?: string): Promise<void> {
  const existing = await findProjectByName(conn, name);
  if (existing && existing.id !== exceptId) {
    throw conflict(`a project named '${name}' already exists`, { projectId: existing.id });
  }
}

export function createProject(
  ctx: AppContext,
  input: CreateProjectInput,
  actor: Actor,
): Promise<Project> {
  return inTransaction(ctx.db, async (trx) => {
    await assertNameFree(trx, input.name);
    const now = creationStamp();
    const project: Project = {
      id: newId(),
      name: input.name,
      ...(input.description !== undefined && { description: input.description }),
      createdAt: now,
      updatedAt: now,
    };
    await insertProject(trx, project);
    await recordAudit(trx, {
      actor,
      action: 'create',
      entityType: 'project',
      entityId: project.id,
      projectId: project.id,
      before: null,
      after: project,
    });
    return project;
  });
}

export function updateProject(
  ctx: AppContext,
  id: string,
  input: UpdateProjectInput,
  actor: Actor,
): Promise<Project> {
  return inTransaction(ctx.db, async (trx) => {
    const before = await getProject(trx, id);
    if (input.name !== undefined) await assertNameFree(trx, input.name, id);
    const { description: _old, ...rest } = before;
    const description = input.description === undefined ? before.description : input.description;
    const after: Project = {
      ...rest,
      name: input.name ?? before.name,
      ...(description !== null && description !== undefined && { description }),
      updatedAt: nowIso(),
    };
    await updateProjectRow(trx, after);
    await recordAudit(trx, {
      actor,
      action: 'update',
      entityType: 'project',
      entityId: id,
      projectId: id,
      before,
      after,
    });
    return after;
  });
}

/**
 * Deletes the project and everything it owns (database cascade), stops its runs' queued and
 * running executions, then deletes its stored files.
 */
export async function deleteProject(ctx: AppContext, id: string, actor: Actor): Promise<void> {
  const { released, removed } = await inTransaction(ctx.db, async (trx) => {
    const before = await getProject(trx, id);
    const removed = await runsRemovedWith(trx, { projectId: id }, id);
    const released = await listArtifactFilesOfProject(trx, id);
    await deleteBatchesOfProject(trx, id);
    if (!(await deleteProjectRow(trx, id))) throw notFound('project', id);
    await recordAudit(trx, {
      actor,
      action: 'delete',
      entityType: 'project',
      entityId: id,
      projectId: id,
      before,
      after: null,
    });
    return { released, removed };
  });
  await announceRemovedRuns(ctx, removed);
  // Files go only after the rows are gone: a crash in between leaves orphan files, never
  // rows pointing at missing files.
  await removeArtifactFiles(ctx, released);
}
