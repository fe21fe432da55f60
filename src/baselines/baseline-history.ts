import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import { artifactUrl } from '../artifacts/artifact-files.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../audit/audit.types.ts';
import type { Conn } from '../db/connect.ts';
import { findActiveRunIdsUsingBaseline } from '../runs/runs.repository.ts';
import { creationStamp } from '../shared/clock.ts';
import { conflict, invariant, notFound } from '../shared/errors.ts';
import type { Baseline, BaselineEntry } from './baseline.schema.ts';
import { recordBaselineImage } from './baseline-images.ts';
import { recordBaselineUpdatedWebhook } from './baseline-updated.ts';
import {
  findBaseline,
  findCurrentEntry,
  findEntriesByIds,
  findEntryCell,
  listBaselineMatrixKeys,
  listCellEntries,
  listRunIdsOfExecutions,
} from './baselines.repository.ts';

export const baselineHistoryEntrySchema = z.object({
  id: z.string(),
  image: z.string().describe('the image’s URL'),
  createdAt: z.string(),
  approvedBy: z.string().optional().describe('who approved it; absent: a baseline run recorded it'),
  sourceRunId: z
    .string()
    .optional()
    .describe('the run whose screenshot it is (absent once that run is deleted)'),
  executionId: z.string().optional().describe('the execution whose screenshot it is'),
  current: z.boolean().describe('it is the cell’s image now'),
  supersededAt: z.string().optional().describe('when a later image replaced it'),
});
export type BaselineHistoryEntry = z.infer<typeof baselineHistoryEntrySchema>;

export const baselineHistoryQuerySchema = z.strictObject({
  matrixKey: z.string().min(1).max(1000).describe('the cell, as in Execution.matrixKey'),
});

async function toHistoryEntries(
  conn: Conn,
  entries: readonly BaselineEntry[],
): Promise<BaselineHistoryEntry[]> {
  const runOf = await listRunIdsOfExecutions(
    conn,
    entries.flatMap((e) => (e.sourceExecutionId === null ? [] : [e.sourceExecutionId])),
  );
  return entries.map((e) => {
    const runId = e.sourceExecutionId === null ? undefined : runOf.get(e.sourceExecutionId);
    return {
      id: e.id,
      image: artifactUrl(e.storageKey),
      createdAt: e.createdAt,
      ...(e.approvedBy !== null && { approvedBy: e.approvedBy }),
      ...(runId !== undefined && { sourceRunId: runId }),
      ...(e.sourceExecutionId !== null && { executionId: e.sourceExecutionId }),
      current: e.supersededAt === null,
      ...(e.supersededAt !== null && { supersededAt: e.supersededAt }),
    };
  });
}

/** Every image a cell of the baseline has had, newest first. 404 for an unknown cell. */
export async function getCellHistory(
  conn: Conn,
  baselineId: string,
  matrixKey: string,
): Promise<BaselineHistoryEntry[]> {
  if (!(await findBaseline(conn, baselineId))) throw notFound('baseline', baselineId);
  const entries = await listCellEntries(conn, baselineId, matrixKey);
  if (entries.length === 0) throw notFound('baseline cell', matrixKey);
  return toHistoryEntries(conn, entries);
}

export interface Revert {
  baseline: Baseline;
  matrixKey: string;
  entry: BaselineHistoryEntry;
  /** False when the entry already was the cell's image. */
  changed: boolean;
}

/**
 * Makes an earlier image of a cell its current image again: a new entry with that image
 * (through recordBaselineImage, so the history keeps every step), one audit entry and one
 * `baseline.updated` event. 409 while a queued or running run uses the baseline.
 */
export async function revertToEntry(
  ctx: AppContext,
  entryId: string,
  actor: Actor,
): Promise<Revert> {
  const result = await ctx.db.transaction().execute(async (trx) => {
    const [entry] = await findEntriesByIds(trx, [entryId]);
    if (!entry) throw notFound('baseline entry', entryId);
    const baselineBefore = await findBaseline(trx, entry.baselineId);
    invariant(baselineBefore, `baseline ${entry.baselineId} exists`);
    const current = await findCurrentEntry(trx, entry.baselineId, entry.matrixKey);
    if (current?.id === entry.id) {
      const [same] = await toHistoryEntries(trx, [entry]);
      invariant(same, 'one entry in, one out');
      return { baseline: baselineBefore, matrixKey: entry.matrixKey, entry: same, changed: false };
    }
    const active = await findActiveRunIdsUsingBaseline(trx, entry.baselineId);
    if (active.length > 0) {
      throw conflict(
        `baseline '${entry.baselineId}' is used by ${active.length} queued or running run(s): ${active.join(', ')}; revert once they end`,
        { runIds: active },
      );
    }
    const cell = await findEntryCell(trx, entry.id);
    invariant(cell, `entry ${entry.id} has its cell`);
    const now = creationStamp();
    const { entryId: newEntryId, previousEntryId } = await recordBaselineImage(
      trx,
      {
        baselineId: entry.baselineId,
        matrixKey: entry.matrixKey,
        pageId: cell.pageId,
        taskId: cell.taskId,
        browser: cell.browser,
        viewportName: cell.viewportName,
        artifactId: entry.artifactId,
        sha256: entry.sha256,
        layoutArtifactId: entry.layoutArtifactId,
        sourceExecutionId: entry.sourceExecutionId,
        approvedBy: actor,
        environment: entry.environment,
      },
      now,
    );
    const baseline = await findBaseline(trx, entry.baselineId);
    invariant(baseline, `baseline ${entry.baselineId} exists`);
    await recordAudit(trx, {
      actor,
      action: 'update',
      entityType: 'baseline',
      entityId: baseline.id,
      projectId: baseline.projectId,
      before: {
        [entry.matrixKey]: current ? { entryId: current.id, sha256: current.sha256 } : null,
      },
      after: {
        [entry.matrixKey]: { entryId: newEntryId, sha256: entry.sha256, revertedTo: entry.id },
      },
    });
    await recordBaselineUpdatedWebhook(ctx, trx, {
      baseline,
      entry: {
        id: newEntryId,
        matrixKey: entry.matrixKey,
        pageId: cell.pageId,
        taskId: cell.taskId,
        browser: cell.browser,
        viewport: { name: cell.viewportName },
        executionId: entry.sourceExecutionId,
        previousEntryId,
        storageKey: entry.storageKey,
        cause: 'revert',
      },
    });
    const [created] = await toHistoryEntries(trx, await findEntriesByIds(trx, [newEntryId]));
    invariant(created, `entry ${newEntryId} was just written`);
    return { baseline, matrixKey: entry.matrixKey, entry: created, changed: true };
  });
  if (result.changed) {
    ctx.webhookOutbox.kick();
    ctx.events.publish({
      type: 'baseline.updated',
      projectId: result.baseline.projectId,
      baseline: result.baseline,
      matrixKey: result.matrixKey,
    });
  }
  return result;
}

/** The cells of a baseline (current or past images), by matrix key. */
export async function listBaselineCells(conn: Conn, baselineId: string): Promise<string[]> {
  if (!(await findBaseline(conn, baselineId))) throw notFound('baseline', baselineId);
  return listBaselineMatrixKeys(conn, baselineId);
}
