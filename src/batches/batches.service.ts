import type { AppContext } from '../app-context.ts';
import { removeArtifactFiles } from '../artifacts/artifact-removal.ts';
import { deleteArtifactRows, listArtifactsOfBatch } from '../artifacts/artifacts.repository.ts';
import { announceRemovedRuns, runsRemovedWith } from '../runs/run-removal.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../audit/audit.types.ts';
import type { Conn } from '../db/connect.ts';
import { inTransaction } from '../db/transaction.ts';
import { pageSize, type Page as Listing, type PageRequest } from '../db/pagination.ts';
import { findPages } from '../pages/pages.repository.ts';
import { getProject } from '../projects/projects.service.ts';
import { getEffectiveSettings } from '../settings/settings.service.ts';
import { creationStamp, nowIso } from '../shared/clock.ts';
import { notFound, unprocessable } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { assertNameFreeInProject } from '../shared/unique-name.ts';
import { patchOptional } from '../shared/patch.ts';
import { findTasks } from '../tasks/tasks.repository.ts';
import {
  defaultEnvironmentDriftPolicy,
  defaultDiffThreshold,
  type Batch,
  type CreateBatchInput,
  type UpdateBatchInput,
} from './batch.schema.ts';
import {
  deleteBatchRow,
  findBatch,
  findBatchByName,
  insertBatch,
  listBatchesOfProject,
  updateBatchRow,
} from './batches.repository.ts';

export async function getBatch(conn: Conn, id: string): Promise<Batch> {
  const batch = await findBatch(conn, id);
  if (!batch) throw notFound('batch', id);
  return batch;
}

export async function listBatches(
  ctx: AppContext,
  projectId: string,
  request: PageRequest,
): Promise<Listing<Batch>> {
  await getProject(ctx.db, projectId);
  return listBatchesOfProject(ctx.db, projectId, request.cursor, pageSize(request));
}

interface Selection {
  pageIds?: string[] | undefined;
  taskIds?: string[] | undefined;
  browsers?: string[] | undefined;
  viewports?: string[] | undefined;
}

/** Ids that do not exist, and ids of another project's records. */
function foreignAndUnknown(
  ids: string[],
  found: { id: string; projectId: string }[],
  projectId: string,
): { unknown: string[]; foreign: string[] } {
  const projectOf = new Map(found.map((r) => [r.id, r.projectId]));
  return {
    unknown: ids.filter((id) => !projectOf.has(id)),
    foreign: ids.filter((id) => projectOf.has(id) && projectOf.get(id) !== projectId),
  };
}

/**
 * The batch may name only its own project's pages and tasks, and only browsers and viewports
 * its project's settings offer. Every problem is reported at once (422).
 */
async function checkSelection(conn: Conn, projectId: string, selection: Selection): Promise<void> {
  const problems: string[] = [];
  const details: Record<string, string[]> = {};
  const references = [
    { field: 'pageIds', what: 'pages', ids: selection.pageIds, find: findPages },
    { field: 'taskIds', what: 'tasks', ids: selection.taskIds, find: findTasks },
  ] as const;
  for (const { field, what, ids, find } of references) {
    if (ids === undefined || ids.length === 0) continue;
    const { unknown, foreign } = foreignAndUnknown(ids, await find(conn, ids), projectId);
    if (unknown.length > 0) {
      problems.push(`${field}: no such ${what}: ${unknown.join(', ')}`);
      details[`unknown${field[0]?.toUpperCase()}${field.slice(1)}`] = unknown;
    }
    if (foreign.length > 0) {
      problems.push(`${field}: ${what} of another project: ${foreign.join(', ')}`);
      details[`foreign${field[0]?.toUpperCase()}${field.slice(1)}`] = foreign;
    }
  }
  if (selection.browsers !== undefined || selection.viewports !== undefined) {
    const settings = await getEffectiveSettings(conn, projectId);
    const available = {
      browsers: settings.browsers as string[],
      viewports: settings.viewports.map((v) => v.name),
    };
    for (const field of ['browsers', 'viewports'] as const) {
      const missing = (selection[field] ?? []).filter((n) => !available[field].includes(n));
      if (missing.length > 0) {
        problems.push(
          `${field}: not in the settings: ${missing.join(', ')} (available: ${available[field].join(', ')})`,
        );
        details[`unavailable${field[0]?.toUpperCase()}${field.slice(1)}`] = missing;
      }
    }
  }
  if (problems.length > 0) throw unprocessable(problems.join('; '), details);
}

export function createBatch(
  ctx: AppContext,
  projectId: string,
  input: CreateBatchInput,
  actor: Actor,
): Promise<Batch> {
  return inTransaction(ctx.db, async (trx) => {
    await getProject(trx, projectId);
    assertNameFreeInProject('batch', await findBatchByName(trx, projectId, input.name), input.name);
    const now = creationStamp();
    const batch: Batch = {
      id: newId(),
      projectId,
      name: input.name,
      pageIds: input.pageIds,
      taskIds: input.taskIds ?? [],
      browsers: input.browsers,
      viewports: input.viewports,
      ...(input.jiraIssue !== undefined && { jiraIssue: input.jiraIssue }),
      executionDiffThreshold: input.executionDiffThreshold ?? defaultDiffThreshold,
      runDiffThreshold: input.runDiffThreshold ?? defaultDiffThreshold,
      freezeTime: input.freezeTime ?? true,
      seedRandom: input.seedRandom ?? true,
      ...(input.frozenTime !== undefined && { frozenTime: normalizeInstant(input.frozenTime) }),
      onEnvironmentDrift: input.onEnvironmentDrift ?? defaultEnvironmentDriftPolicy,
      ignoreMoves: input.ignoreMoves ?? false,
      recordVideo: input.recordVideo ?? false,
      createdAt: now,
      updatedAt: now,
    };
    await checkSelection(trx, projectId, batch);
    await insertBatch(trx, batch);
    await recordAudit(trx, {
      actor,
      action: 'create',
      entityType: 'batch',
      entityId: batch.id,
      projectId,
      before: null,
      after: batch,
    });
    return batch;
  });
}

export function updateBatch(
  ctx: AppContext,
  id: string,
  input: UpdateBatchInput,
  actor: Actor,
): Promise<Batch> {
  return inTransaction(ctx.db, async (trx) => {
    const before = await getBatch(trx, id);
    if (input.name !== undefined) {
      const existing = await findBatchByName(trx, before.projectId, input.name);
      assertNameFreeInProject('batch', existing, input.name, id);
    }
    // Only what changes is checked: a rename never fails over a selection made earlier.
    await checkSelection(trx, before.projectId, input);
    await updateBatchRow(trx, {
      ...before,
      name: input.name ?? before.name,
      pageIds: input.pageIds ?? before.pageIds,
      taskIds: input.taskIds ?? before.taskIds,
      browsers: input.browsers ?? before.browsers,
      viewports: input.viewports ?? before.viewports,
      jiraIssue: patchOptional(input.jiraIssue, before.jiraIssue),
      executionDiffThreshold: input.executionDiffThreshold ?? before.executionDiffThreshold,
      runDiffThreshold: input.runDiffThreshold ?? before.runDiffThreshold,
      freezeTime: input.freezeTime ?? before.freezeTime,
      seedRandom: input.seedRandom ?? before.seedRandom,
      frozenTime: patchOptional(
        input.frozenTime === undefined || input.frozenTime === null
          ? input.frozenTime
          : normalizeInstant(input.frozenTime),
        before.frozenTime,
      ),
      onEnvironmentDrift: input.onEnvironmentDrift ?? before.onEnvironmentDrift,
      ignoreMoves: input.ignoreMoves ?? before.ignoreMoves,
      recordVideo: input.recordVideo ?? before.recordVideo,
      updatedAt: nowIso(),
    });
    const after = await getBatch(trx, id);
    await recordAudit(trx, {
      actor,
      action: 'update',
      entityType: 'batch',
      entityId: id,
      projectId: before.projectId,
      before,
      after,
    });
    return after;
  });
}

/** What deleting a batch leaves to do once its transaction committed (finishBatchRemoval). */
export interface BatchRemoval {
  released: Awaited<ReturnType<typeof listArtifactsOfBatch>>;
  removed: Awaited<ReturnType<typeof runsRemovedWith>>;
}

/**
 * Deletes the batch's rows with its runs and baselines (database cascade), in `trx`. The caller
 * runs finishBatchRemoval after the commit.
 */
export async function deleteBatchRows(trx: Conn, id: string, actor: Actor): Promise<BatchRemoval> {
  const before = await getBatch(trx, id);
  const removed = await runsRemovedWith(trx, { batchId: id }, before.projectId);
  const artifacts = await listArtifactsOfBatch(trx, id);
  if (!(await deleteBatchRow(trx, id))) throw notFound('batch', id);
  // After the cascade: baseline entries no longer hold their images (foreign key restrict).
  await deleteArtifactRows(
    trx,
    artifacts.map((a) => a.id),
  );
  await recordAudit(trx, {
    actor,
    action: 'delete',
    entityType: 'batch',
    entityId: id,
    projectId: before.projectId,
    before,
    after: null,
  });
  return { released: artifacts, removed };
}

/** Stops the removed runs' executions, then deletes their stored files. */
export async function finishBatchRemoval(ctx: AppContext, removal: BatchRemoval): Promise<void> {
  await announceRemovedRuns(ctx, removal.removed);
  // Files go only after the rows are gone: a crash in between leaves orphan files, never
  // rows pointing at missing files.
  await removeArtifactFiles(ctx, removal.released);
}

/**
 * Deletes the batch with its runs and baselines (database cascade), stops its runs' queued and
 * running executions, then deletes their stored files.
 */
export async function deleteBatch(ctx: AppContext, id: string, actor: Actor): Promise<void> {
  const removal = await inTransaction(ctx.db, (trx) => deleteBatchRows(trx, id, actor));
  await finishBatchRemoval(ctx, removal);
}

/** One spelling per instant (UTC, milliseconds), whatever offset the client wrote. */
function normalizeInstant(value: string): string {
  return new Date(value).toISOString();
}
