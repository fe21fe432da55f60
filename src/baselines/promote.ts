import type { AppContext } from '../app-context.ts';
import { listArtifactsOfExecutions } from '../artifacts/artifacts.repository.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../audit/audit.types.ts';
import { findExecutionLockingRun, runTransaction } from '../runs/run-lifecycle.ts';
import { findRun } from '../runs/runs.repository.ts';
import { creationStamp } from '../shared/clock.ts';
import { invariant, notFound, unprocessable } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import type { Conn } from '../db/connect.ts';
import type { RunRecord } from '../runs/runs.repository.ts';
import type { Baseline } from './baseline.schema.ts';
import { setExecutionReview, type ExecutionReview } from '../runs/executions.repository.ts';
import type { RunChanges } from '../runs/run-lifecycle.ts';
import { recordBaselineImage } from './baseline-images.ts';
import { recordBaselineUpdatedWebhook } from './baseline-updated.ts';
import {
  copyCurrentEntries,
  findBaseline,
  findCurrentEntry,
  findLatestUsableBaseline,
  insertBaseline,
  lockBaselineRow,
} from './baselines.repository.ts';
import { baselineIsOnLine, branchesOfLine, lineOfRun } from './branches.ts';

export interface Promotion {
  baseline: Baseline;
  matrixKey: string;
  /** The entry it replaced (kept as history), if the cell had one. */
  previousEntryId: string | null;
  entryId: string;
  /** False when the execution's image already was the baseline (nothing changed). */
  changed: boolean;
  executionId: string;
  /** The execution's review before this approval (what undoing it restores). */
  reviewBefore: ExecutionReview;
}

/**
 * Approves a compare execution: its screenshot becomes the current image of its cell in the
 * baseline of the run's branch. The previous image stays as history (superseded_at).
 * Approving twice changes nothing the second time.
 *
 * Which baseline: the one the run compared against when it is on the run's line (the run's
 * branch; or, for a run without a branch or on its base branch, the base branch's or a
 * branchless one) — as before branches existed. Otherwise (a branch run that fell back to its
 * base branch's baseline) an approval never touches that baseline: it goes into the branch's
 * latest baseline, which the branch's first approval creates as a copy of the compared one
 * (copy-on-write: new entry rows, the same images). The run's executions stay linked to the
 * images they were compared with.
 */
export async function promoteToBaseline(
  ctx: AppContext,
  executionId: string,
  actor: Actor,
): Promise<Promotion> {
  const promotion = await runTransaction(ctx, (trx, changes) =>
    approveInTransaction(ctx, trx, changes, executionId, actor),
  );
  publishPromotions(ctx, [promotion]);
  return promotion;
}

/** After the commit: one `baseline.updated` event per changed cell. */
export function publishPromotions(ctx: AppContext, promotions: readonly Promotion[]): void {
  for (const promotion of promotions) {
    if (!promotion.changed) continue;
    ctx.events.publish({
      type: 'baseline.updated',
      projectId: promotion.baseline.projectId,
      baseline: promotion.baseline,
      matrixKey: promotion.matrixKey,
    });
  }
}

/**
 * promoteToBaseline's work inside a transaction the caller holds (a bulk approval approves
 * many in one): the image goes in through recordBaselineImage, the execution's review becomes
 * approved, and it writes one audit entry and one `baseline.updated` webhook event.
 */
export async function approveInTransaction(
  ctx: AppContext,
  trx: Conn,
  changes: RunChanges,
  executionId: string,
  actor: Actor,
): Promise<Promotion> {
  const execution = await findExecutionLockingRun(trx, executionId);
  if (!execution) throw notFound('execution', executionId);
  const run = await findRun(trx, execution.runId);
  invariant(run, `run of execution ${executionId} exists`);
  if (run.mode !== 'compare') {
    throw unprocessable(
      'this execution belongs to a baseline run: its screenshot already is the baseline image',
    );
  }
  if (execution.status !== 'finished') {
    throw unprocessable(
      `only a finished execution can be approved; this one is ${execution.status}`,
    );
  }
  if (run.baselineId === null) {
    throw unprocessable('the baseline this run compared against has been deleted');
  }
  const artifacts = await listArtifactsOfExecutions(trx, [executionId]);
  const screenshot = artifacts.filter((a) => a.kind === 'screenshot').at(-1);
  const layout = artifacts.filter((a) => a.kind === 'layout').at(-1);
  invariant(screenshot, `finished execution ${executionId} has a screenshot`);

  const compared = await findBaseline(trx, run.baselineId);
  invariant(compared, `baseline ${run.baselineId} exists`);
  const { baseline: baselineBefore, copiedFrom } = await approvalTarget(trx, run, compared, actor);
  const targetId = baselineBefore.id;
  const current = await findCurrentEntry(trx, targetId, execution.matrixKey);
  const now = creationStamp();
  const reviewBefore = execution.review;
  await setExecutionReview(trx, executionId, { status: 'approved', by: actor, at: now });
  if (current?.artifactId === screenshot.id) {
    changes.touchExecution(run, executionId);
    return {
      baseline: baselineBefore,
      matrixKey: execution.matrixKey,
      executionId,
      reviewBefore,
      previousEntryId: null,
      entryId: current.id,
      changed: false,
    };
  }

  const { entryId, previousEntryId } = await recordBaselineImage(
    trx,
    {
      baselineId: targetId,
      matrixKey: execution.matrixKey,
      pageId: execution.pageId,
      taskId: execution.taskId,
      browser: execution.browser,
      viewportName: execution.viewport.name,
      artifactId: screenshot.id,
      sha256: screenshot.sha256,
      layoutArtifactId: layout?.id ?? null,
      sourceExecutionId: executionId,
      approvedBy: actor,
      environment: execution.environment,
    },
    now,
  );
  const baseline = await findBaseline(trx, targetId);
  invariant(baseline, `baseline ${targetId} exists`);

  // One audit entry per cell: the baseline's image, and by which execution's approval.
  await recordAudit(trx, {
    actor,
    action: 'update',
    entityType: 'baseline',
    entityId: baseline.id,
    projectId: run.projectId,
    before: {
      [execution.matrixKey]: current ? { entryId: current.id, sha256: current.sha256 } : null,
    },
    after: {
      [execution.matrixKey]: {
        entryId,
        sha256: screenshot.sha256,
        executionId,
        review: 'approved',
      },
    },
  });
  await recordBaselineUpdatedWebhook(ctx, trx, {
    baseline,
    entry: {
      id: entryId,
      matrixKey: execution.matrixKey,
      pageId: execution.pageId,
      taskId: execution.taskId,
      browser: execution.browser,
      viewport: execution.viewport,
      executionId,
      previousEntryId,
      storageKey: screenshot.storageKey,
      cause: 'approve',
    },
  });
  changes.webhookRecorded = true;
  changes.log(run, {
    level: 'info',
    kind: 'approved',
    executionId,
    message:
      `${execution.pageName}${execution.taskName ? ` / ${execution.taskName}` : ''} (${execution.browser}, ${execution.viewport.name}): screenshot approved into baseline ${baseline.id}` +
      (baseline.branch === undefined ? '' : ` of branch '${baseline.branch}'`) +
      (copiedFrom === undefined
        ? ''
        : ` (the branch's first approval: a copy of baseline ${copiedFrom.id}, which stays as it was)`) +
      ` by ${actor}`,
  });
  changes.touchExecution(run, executionId);
  return {
    baseline,
    matrixKey: execution.matrixKey,
    executionId,
    reviewBefore,
    previousEntryId,
    entryId,
    changed: true,
  };
}

/**
 * The baseline an approval of this run writes to (see promoteToBaseline), creating the
 * branch's copy when it has none; `copiedFrom` is set when this call made the copy.
 */
async function approvalTarget(
  trx: Conn,
  run: RunRecord,
  compared: Baseline,
  actor: Actor,
): Promise<{ baseline: Baseline; copiedFrom?: Baseline }> {
  const line = lineOfRun(run);
  if (baselineIsOnLine(compared, line)) return { baseline: compared };
  // Two first approvals on a branch at once would otherwise both find no branch baseline.
  await lockBaselineRow(trx, compared.id);
  const existing = await findLatestUsableBaseline(trx, run.batchId, branchesOfLine(line));
  if (existing) return { baseline: existing };

  const now = creationStamp();
  const id = newId();
  const copy = {
    id,
    projectId: run.projectId,
    batchId: run.batchId,
    sourceRunId: null,
    branch: run.branch,
    forkedFromId: compared.id,
    createdAt: now,
    updatedAt: now,
  };
  await insertBaseline(trx, copy);
  const entries = await copyCurrentEntries(trx, compared.id, id, now, newId);
  await recordAudit(trx, {
    actor,
    action: 'create',
    entityType: 'baseline',
    entityId: id,
    projectId: run.projectId,
    before: null,
    after: { ...copy, entries, copiedAtApprovalInRun: run.id },
  });
  const baseline = await findBaseline(trx, id);
  invariant(baseline, `baseline ${id} was just created`);
  return { baseline, copiedFrom: compared };
}
