import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../audit/audit.types.ts';
import type { Conn } from '../db/connect.ts';
import {
  changedOutcomes,
  executionOutcome,
  type ExecutionOutcome,
} from '../runs/execution-outcome.ts';
import {
  findExecution,
  listExecutionsOfRun,
  setExecutionReview,
  type ExecutionRecord,
} from '../runs/executions.repository.ts';
import { lockRun, runTransaction, type RunChanges } from '../runs/run-lifecycle.ts';
import { findRun } from '../runs/runs.repository.ts';
import { creationStamp } from '../shared/clock.ts';
import { conflict, invariant, notFound, unprocessable } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { idSchema } from '../shared/schemas.ts';
import { recordBaselineImage, retireBaselineImage } from './baseline-images.ts';
import { recordBaselineUpdatedWebhook } from './baseline-updated.ts';
import { findBaseline, findCurrentEntry, findEntriesByIds } from './baselines.repository.ts';
import {
  findLastBulkApproval,
  insertBulkApproval,
  markBulkApprovalUndone,
  type BulkApprovalCell,
} from './bulk-approvals.repository.ts';
import { approveInTransaction, publishPromotions, type Promotion } from './promote.ts';

export const approvableLevels = ['major', 'minor', 'none', 'new'] as const;

export const approveRunSchema = z.strictObject({
  executionIds: z
    .array(idSchema)
    .min(1)
    .max(10_000)
    .optional()
    .describe('approve these executions of the run (each must be finished)'),
  levels: z
    .array(z.enum(approvableLevels))
    .min(1)
    .optional()
    .describe(
      'approve the finished executions with these diff levels ("new": no baseline image yet); default major, minor and new',
    ),
});
export type ApproveRunInput = z.infer<typeof approveRunSchema>;

export interface BulkApprovalResult {
  /** Cells whose baseline image changed. */
  approved: number;
  /** The bulk approval's id (what undo takes back); absent when nothing changed. */
  bulkApprovalId?: string;
}

function levelOf(execution: ExecutionRecord): (typeof approvableLevels)[number] | undefined {
  const outcome: ExecutionOutcome = executionOutcome({
    status: execution.status,
    diffLevel: execution.diffLevel,
    noBaseline: execution.diffDetails?.noBaseline,
  });
  if (outcome === 'major' || outcome === 'minor' || outcome === 'new') return outcome;
  return outcome === 'unchanged' ? 'none' : undefined;
}

/**
 * Approves many executions of a compare run in one transaction (all or none): each goes in
 * as a single approval would (promote.ts: one audit entry and one `baseline.updated` event per
 * cell). Without `executionIds` and `levels`: every change (major, minor, new). The approval
 * is kept so that undoLastBulkApproval can take it back.
 */
export async function approveRun(
  ctx: AppContext,
  runId: string,
  input: ApproveRunInput,
  actor: Actor,
): Promise<BulkApprovalResult> {
  const { promotions, result } = await runTransaction(ctx, async (trx, changes) => {
    await lockRun(trx, runId);
    const run = await findRun(trx, runId);
    if (!run) throw notFound('run', runId);
    if (run.mode !== 'compare') {
      throw unprocessable('a baseline run’s screenshots already are its baseline images');
    }
    const executions = await listExecutionsOfRun(trx, runId);
    const chosen = choose(executions, input);
    const promotions: Promotion[] = [];
    for (const execution of chosen) {
      promotions.push(await approveInTransaction(ctx, trx, changes, execution.id, actor));
    }
    const changed = promotions.filter((p) => p.changed);
    if (changed.length === 0) return { promotions, result: { approved: 0 } };
    const id = newId();
    await insertBulkApproval(trx, {
      id,
      runId,
      actor,
      cells: changed.map((p) => ({
        executionId: p.executionId,
        baselineId: p.baseline.id,
        matrixKey: p.matrixKey,
        entryId: p.entryId,
        previousEntryId: p.previousEntryId,
        reviewBefore: p.reviewBefore,
      })),
      createdAt: creationStamp(),
      undoneAt: null,
    });
    changes.log(run, {
      level: 'info',
      kind: 'approved',
      message: `${changed.length} screenshot(s) approved at once by ${actor}`,
    });
    return { promotions, result: { approved: changed.length, bulkApprovalId: id } };
  });
  publishPromotions(ctx, promotions);
  return result;
}

function choose(executions: ExecutionRecord[], input: ApproveRunInput): ExecutionRecord[] {
  if (input.executionIds !== undefined) {
    const byId = new Map(executions.map((e) => [e.id, e]));
    const unknown = input.executionIds.filter((id) => !byId.has(id));
    if (unknown.length > 0) {
      throw unprocessable(`not executions of this run: ${unknown.join(', ')}`, {
        executionIds: unknown,
      });
    }
    const unfinished = input.executionIds.filter((id) => byId.get(id)?.status !== 'finished');
    if (unfinished.length > 0) {
      throw unprocessable(
        `only finished executions can be approved; not finished: ${unfinished.join(', ')}`,
        { executionIds: unfinished },
      );
    }
  }
  const ids = input.executionIds === undefined ? undefined : new Set(input.executionIds);
  const levels = new Set<string>(
    input.levels ?? (input.executionIds === undefined ? changedOutcomes : approvableLevels),
  );
  return executions.filter((e) => {
    if (ids !== undefined && !ids.has(e.id)) return false;
    const level = levelOf(e);
    return level !== undefined && levels.has(level);
  });
}

export interface UndoResult {
  /** Cells put back as they were before the bulk approval. */
  undone: number;
  /** Cells left alone: their image changed again since (a later approval or revert). */
  skipped: number;
}

/**
 * Takes back the run's last bulk approval: each cell whose image is still the one it wrote
 * gets its previous image back (a new entry with the old image, through recordBaselineImage;
 * a new page's image is retired) and its execution its previous review. One audit entry and
 * one `baseline.updated` event per cell. 409 when the last bulk approval was already undone
 * or there is none.
 */
export async function undoLastBulkApproval(
  ctx: AppContext,
  runId: string,
  actor: Actor,
): Promise<UndoResult> {
  const { result, updated } = await runTransaction(ctx, async (trx, changes) => {
    await lockRun(trx, runId);
    const run = await findRun(trx, runId);
    if (!run) throw notFound('run', runId);
    const last = await findLastBulkApproval(trx, runId);
    if (!last || last.undoneAt !== null) {
      throw conflict(`run '${runId}' has no bulk approval to undo`);
    }
    const now = creationStamp();
    const updated: { projectId: string; baselineId: string; matrixKey: string }[] = [];
    let skipped = 0;
    for (const cell of last.cells) {
      if (await undoCell(ctx, trx, changes, run, cell, actor, now)) {
        updated.push({
          projectId: run.projectId,
          baselineId: cell.baselineId,
          matrixKey: cell.matrixKey,
        });
      } else skipped += 1;
    }
    await markBulkApprovalUndone(trx, last.id, now);
    changes.log(run, {
      level: 'info',
      kind: 'approval-undone',
      message: `bulk approval of ${last.cells.length} screenshot(s) undone by ${actor}${skipped > 0 ? ` (${skipped} cell(s) changed since and were left alone)` : ''}`,
    });
    return { result: { undone: updated.length, skipped }, updated };
  });
  for (const cell of updated) {
    const baseline = await findBaseline(ctx.db, cell.baselineId);
    if (!baseline) continue;
    ctx.events.publish({
      type: 'baseline.updated',
      projectId: cell.projectId,
      baseline,
      matrixKey: cell.matrixKey,
    });
  }
  return result;
}

async function undoCell(
  ctx: AppContext,
  trx: Conn,
  changes: RunChanges,
  run: { id: string; projectId: string },
  cell: BulkApprovalCell,
  actor: Actor,
  now: string,
): Promise<boolean> {
  const current = await findCurrentEntry(trx, cell.baselineId, cell.matrixKey);
  if (current?.id !== cell.entryId) return false;
  const execution = await findExecution(trx, cell.executionId);
  if (!execution) return false;
  const [previous] = await findEntriesByIds(
    trx,
    cell.previousEntryId === null ? [] : [cell.previousEntryId],
  );
  let entryId: string | null = null;
  if (previous) {
    ({ entryId } = await recordBaselineImage(
      trx,
      {
        baselineId: cell.baselineId,
        matrixKey: cell.matrixKey,
        pageId: execution.pageId,
        taskId: execution.taskId,
        browser: execution.browser,
        viewportName: execution.viewport.name,
        artifactId: previous.artifactId,
        sha256: previous.sha256,
        layoutArtifactId: previous.layoutArtifactId,
        sourceExecutionId: previous.sourceExecutionId,
        approvedBy: previous.approvedBy,
        environment: previous.environment,
      },
      now,
    ));
  } else {
    await retireBaselineImage(trx, cell.baselineId, cell.matrixKey, now);
  }
  await setExecutionReview(trx, cell.executionId, cell.reviewBefore);
  const baseline = await findBaseline(trx, cell.baselineId);
  invariant(baseline, `baseline ${cell.baselineId} exists`);
  await recordAudit(trx, {
    actor,
    action: 'update',
    entityType: 'baseline',
    entityId: cell.baselineId,
    projectId: run.projectId,
    before: { [cell.matrixKey]: { entryId: current.id, sha256: current.sha256 } },
    after: {
      [cell.matrixKey]:
        previous && entryId !== null
          ? { entryId, sha256: previous.sha256, undoneApprovalOf: cell.executionId }
          : null,
    },
  });
  await recordBaselineUpdatedWebhook(ctx, trx, {
    baseline,
    entry: {
      id: entryId,
      matrixKey: cell.matrixKey,
      pageId: execution.pageId,
      taskId: execution.taskId,
      browser: execution.browser,
      viewport: execution.viewport,
      executionId: previous?.sourceExecutionId ?? null,
      previousEntryId: current.id,
      storageKey: previous?.storageKey ?? null,
      cause: 'undo',
    },
  });
  changes.webhookRecorded = true;
  changes.touchExecution(run, cell.executionId);
  return true;
}

/** How many cells the run's last bulk approval changed, when it can still be undone. */
export async function undoableBulkApproval(conn: Conn, runId: string): Promise<number | undefined> {
  const last = await findLastBulkApproval(conn, runId);
  return last && last.undoneAt === null ? last.cells.length : undefined;
}
