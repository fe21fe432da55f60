import { dispatch } from './recovery.ts';
import type { AppContext } from '../app-context.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../audit/audit.types.ts';
import { insertBaseline } from '../baselines/baselines.repository.ts';
import { resolveBaselineForCompare } from '../baselines/baselines.service.ts';
import { defaultBaseBranch, lineOfRun } from '../baselines/branches.ts';
import { lockBatchAgainstDeletion } from '../batches/batches.repository.ts';
import { getBatch } from '../batches/batches.service.ts';
import {
  browserAvailability,
  unavailableBrowsersMessage,
} from '../capture/browser-availability.ts';
import { findPages } from '../pages/pages.repository.ts';
import { getEffectiveSettings } from '../settings/settings.service.ts';
import { creationStamp, isoAfter } from '../shared/clock.ts';
import type { Viewport } from '../shared/domain.ts';
import type { Batch } from '../batches/batch.schema.ts';
import type { Conn } from '../db/connect.ts';
import { unprocessable } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { findTasks } from '../tasks/tasks.repository.ts';
import { insertExecutions } from './executions.repository.ts';
import { runTransaction } from './run-lifecycle.ts';
import {
  batchMatrixShape,
  batchTargetsOf,
  describeRunMatrix,
  expandRunMatrix,
  runMatrixShape,
  type RunMatrixShape,
} from './run-matrix.ts';
import type { LaunchRunInput, Run } from './run.schema.ts';
import { insertRun } from './runs.repository.ts';
import { getRun } from './runs.service.ts';

/**
 * Launches a batch: expands pages × tasks × browsers × viewports into executions, stores them
 * `queued` with the run in one transaction, then hands their ids to the queue. A baseline run
 * records a new baseline of the batch (on the run's branch); a compare run compares against the
 * baseline given (id or unique prefix), else its branch's latest, else its base branch's latest,
 * and records which and why (`baselineReason`).
 */
export async function launchRun(
  ctx: AppContext,
  batchId: string,
  input: LaunchRunInput,
  actor: Actor,
): Promise<Run> {
  // What can capture here, probed outside the transaction (it runs the browsers' --version, and
  // launches Firefox once when the batch names it). Only where this process captures: a server
  // without embedded worker leaves it to its workers' machines.
  const availability = ctx.config.embeddedWorker
    ? await browserAvailability({
        chromiumPath: ctx.config.chromiumPath,
        only: (await getBatch(ctx.db, batchId)).browsers,
      })
    : [];
  const launched = await runTransaction(ctx, async (trx, changes) => {
    await lockBatchAgainstDeletion(trx, batchId);
    const batch = await getBatch(trx, batchId);
    const settings = await getEffectiveSettings(trx, batch.projectId);

    const viewports = batch.viewports.map((name): Viewport => {
      const viewport = settings.viewports.find((v) => v.name === name);
      if (!viewport) {
        throw unprocessable(
          `batch viewport '${name}' is not defined in the settings (defined: ${settings.viewports.map((v) => v.name).join(', ')})`,
        );
      }
      return viewport;
    });
    const unknownBrowsers = batch.browsers.filter(
      (b) => !(settings.browsers as string[]).includes(b),
    );
    if (unknownBrowsers.length > 0) {
      throw unprocessable(
        `batch browser(s) ${unknownBrowsers.join(', ')} not enabled in the settings (enabled: ${settings.browsers.join(', ')})`,
      );
    }
    // A browser that cannot capture here fails the launch (422), not each execution.
    const unavailable = availability.filter((b) => batch.browsers.includes(b.name) && !b.available);
    if (unavailable.length > 0) throw unprocessable(unavailableBrowsersMessage(unavailable));
    const { pages, tasks } = await matrixTargetsOf(trx, batch);
    if (pages.length === 0) throw unprocessable(`batch '${batch.name}' has no pages to capture`);

    if (input.mode !== 'compare' && input.baselineId !== undefined) {
      throw unprocessable(
        input.mode === 'baseline'
          ? 'baselineId applies to compare runs; a baseline run records a new baseline'
          : 'baselineId applies to compare runs; a reference run compares each page with its referenceUrl',
      );
    }
    if (input.mode === 'reference' && !pages.some((p) => p.referenceUrl !== undefined)) {
      throw unprocessable(
        `batch '${batch.name}' has no page with a referenceUrl: a reference run compares each page with its referenceUrl`,
      );
    }
    const branch = input.branch ?? null;
    // Stored only when the launch speaks of branches: a run without either stays as before.
    const baseBranch = input.baseBranch ?? (input.branch === undefined ? null : defaultBaseBranch);
    const resolved =
      input.mode === 'compare'
        ? await resolveBaselineForCompare(
            trx,
            batchId,
            input.baselineId,
            lineOfRun({ branch, baseBranch }),
          )
        : undefined;
    const compareWith = resolved?.baseline;

    const cells = expandRunMatrix({ pages, tasks, browsers: batch.browsers, viewports });
    const now = creationStamp();
    const runId = newId();
    let baselineId = compareWith?.id ?? null;
    if (input.mode === 'baseline') {
      baselineId = newId();
      const baseline = {
        id: baselineId,
        projectId: batch.projectId,
        batchId,
        sourceRunId: runId,
        ...(branch !== null && { branch }),
        createdAt: now,
        updatedAt: now,
      };
      await insertBaseline(trx, baseline);
      await recordAudit(trx, {
        actor,
        action: 'create',
        entityType: 'baseline',
        entityId: baselineId,
        projectId: batch.projectId,
        before: null,
        after: baseline,
      });
    }
    const jiraIssue = input.jiraIssue === undefined ? (batch.jiraIssue ?? null) : input.jiraIssue;
    const run = {
      id: runId,
      projectId: batch.projectId,
      batchId,
      mode: input.mode,
      baselineId,
      status: 'queued' as const,
      jiraIssue,
      branch,
      baseBranch,
      commit: input.commit ?? null,
      baselineReason: resolved?.reason ?? null,
      cancelReason: null,
      deadlineAt: isoAfter(settings.runTimeoutSeconds * 1000),
      createdAt: now,
      startedAt: null,
      finishedAt: null,
    };
    await insertRun(trx, run);
    const executions = cells.map((cell) => ({
      id: newId(),
      runId,
      position: cell.position,
      matrixKey: cell.matrixKey,
      pageId: cell.page.id,
      pageName: cell.page.name,
      taskId: cell.task?.id ?? null,
      taskName: cell.task?.name ?? null,
      browser: cell.browser,
      viewport: cell.viewport,
      capture: cell.capture,
      createdAt: now,
    }));
    await insertExecutions(trx, executions);
    await recordAudit(trx, {
      actor,
      action: 'create',
      entityType: 'run',
      entityId: runId,
      projectId: batch.projectId,
      before: null,
      after: {
        batchId,
        mode: input.mode,
        baselineId,
        jiraIssue,
        ...(branch !== null && { branch }),
        ...(baseBranch !== null && { baseBranch }),
        ...(input.commit !== undefined && { commit: input.commit }),
        executions: executions.length,
      },
    });
    changes.log(run, {
      level: 'info',
      kind: 'queued',
      message:
        `${input.mode} run of batch '${batch.name}'${branch === null ? '' : ` on branch '${branch}'`} queued by ${actor}: ` +
        describeRunMatrix(runMatrixShape({ pages, tasks, browsers: batch.browsers, viewports })) +
        (input.mode === 'compare'
          ? `, against baseline ${baselineId ?? '?'} (${resolved?.reason ?? ''})`
          : `, recording baseline ${baselineId ?? '?'}${branch === null ? '' : ` of branch '${branch}'`}`),
    });
    changes.touchRun(run);
    return { runId, executionIds: executions.map((e) => e.id) };
  });
  // After the commit: a crash before this line leaves the executions queued, and recovery
  // dispatches them at the next start.
  await dispatch(
    ctx,
    launched.executionIds.map((executionId) => ({ executionId, runId: launched.runId })),
  );
  return getRun(ctx.db, launched.runId);
}

/** The batch's pages and tasks that still exist, in the batch's order. */
async function matrixTargetsOf(conn: Conn, batch: Batch) {
  return batchTargetsOf(
    batch,
    await findPages(conn, batch.pageIds),
    await findTasks(conn, batch.taskIds),
  );
}

/**
 * What launching the batch now would run, counted as launchRun counts it (element selectors
 * included): for the launcher's estimate before a launch.
 */
export async function estimateRun(conn: Conn, batch: Batch): Promise<RunMatrixShape> {
  const { pages, tasks } = await matrixTargetsOf(conn, batch);
  return batchMatrixShape(batch, pages, tasks);
}
