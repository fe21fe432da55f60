import { countRetentionBytesFreed } from '../metrics/metrics.ts';
import type { AppContext } from '../app-context.ts';
import { collectUnreferencedBlobs } from '../artifacts/artifact-removal.ts';
import type { Actor } from '../audit/audit.types.ts';
import type { Conn } from '../db/connect.ts';
import { getProject } from '../projects/projects.service.ts';
import { isTerminal } from '../runs/run.schema.ts';
import { deleteRun } from '../runs/runs.service.ts';
import { getEffectiveSettings } from '../settings/settings.service.ts';
import type { Settings } from '../settings/settings.schema.ts';
import { AppError } from '../shared/errors.ts';
import {
  listProjectIds,
  listRunsOfProjectByBatch,
  type RetentionRunRow,
} from './retention.repository.ts';

// Retention (settings `retention`, per project, off by default) deletes ended runs that no
// rule keeps, exactly as DELETE /runs/{id} does:
// - a run is kept while it is younger than `keepDays`, or among the `keepLastRunsPerBatch`
//   most recent runs of its batch (runs in flight count among them); it goes once no rule
//   that is set keeps it;
// - queued and running runs are never touched (checked again under the run's lock when it is
//   deleted: a retry may have reopened it since the plan);
// - the run's rows go, but every image a baseline entry uses (current or history) stays with
//   the baseline, and a blob stays while any artifact row refers to it;
// - each deletion is its own transaction and skips a run another process deleted first, so
//   several processes may apply retention at once.

export type RetentionSettings = Settings['retention'];

export type RetentionReason = 'age' | 'count';

export interface RetentionCandidate extends RetentionRunRow {
  /** The rules that no longer keep the run: older than keepDays, beyond the last runs of its batch. */
  reasons: RetentionReason[];
}

export interface RetentionReport {
  projectId: string;
  dryRun: boolean;
  retention: RetentionSettings;
  /** The runs that go (dry run: would go), oldest first. */
  runs: RetentionCandidate[];
  /** Runs deleted (0 in a dry run; fewer than `runs` when some were deleted or reopened meanwhile). */
  deletedRuns: number;
  /** Bytes removed from the artifact store (0 in a dry run). */
  bytesFreed: number;
}

export function isRetentionOn(retention: RetentionSettings): boolean {
  return retention.keepDays !== undefined || retention.keepLastRunsPerBatch !== undefined;
}

/** The project's ended runs that no retention rule keeps at `now`. */
export async function planRetention(
  conn: Conn,
  projectId: string,
  retention: RetentionSettings,
  now = Date.now(),
): Promise<RetentionCandidate[]> {
  if (!isRetentionOn(retention)) return [];
  const cutoff =
    retention.keepDays === undefined
      ? undefined
      : new Date(now - retention.keepDays * 24 * 60 * 60 * 1000).toISOString();
  const candidates: RetentionCandidate[] = [];
  let batchId: string | undefined;
  let rank = 0;
  for (const run of await listRunsOfProjectByBatch(conn, projectId)) {
    rank = run.batchId === batchId ? rank + 1 : 0;
    batchId = run.batchId;
    if (!isTerminal(run.status)) continue;
    const keptByAge = cutoff !== undefined && run.createdAt >= cutoff;
    const keptByCount =
      retention.keepLastRunsPerBatch !== undefined && rank < retention.keepLastRunsPerBatch;
    if (keptByAge || keptByCount) continue;
    const reasons: RetentionReason[] = [];
    if (cutoff !== undefined) reasons.push('age');
    if (retention.keepLastRunsPerBatch !== undefined) reasons.push('count');
    candidates.push({ ...run, reasons });
  }
  return candidates.sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
  );
}

/**
 * Applies the project's retention settings now, or (dryRun) only lists the runs that would go.
 * Deletions are audited under `actor`, like any run deletion.
 */
export async function runRetention(
  ctx: AppContext,
  projectId: string,
  options: { dryRun: boolean; actor: Actor },
): Promise<RetentionReport> {
  await getProject(ctx.db, projectId);
  const { retention } = await getEffectiveSettings(ctx.db, projectId);
  const runs = await planRetention(ctx.db, projectId, retention);
  const report: RetentionReport = {
    projectId,
    dryRun: options.dryRun,
    retention,
    runs,
    deletedRuns: 0,
    bytesFreed: 0,
  };
  if (options.dryRun) return report;
  for (const run of runs) {
    const freed = await deleteRunUnlessGoneOrActive(ctx, run.id, options.actor);
    if (freed === undefined) continue;
    report.deletedRuns += 1;
    report.bytesFreed += freed;
    countRetentionBytesFreed(freed);
  }
  return report;
}

/** The run's deletion, or undefined when another process deleted it or a retry reopened it. */
async function deleteRunUnlessGoneOrActive(
  ctx: AppContext,
  runId: string,
  actor: Actor,
): Promise<number | undefined> {
  try {
    return (await deleteRun(ctx, runId, actor)).bytesFreed;
  } catch (error) {
    if (error instanceof AppError && (error.code === 'not_found' || error.code === 'conflict')) {
      return undefined;
    }
    throw error;
  }
}

export interface RetentionPass {
  /** Runs deleted across all projects. */
  deletedRuns: number;
  /** Bytes removed from the artifact store: the runs' files, and blobs nothing refers to any more. */
  bytesFreed: number;
}

/**
 * The periodic duty: applies every project's retention settings (deletions audited as
 * `system`), then collects blobs that nothing refers to any more (writes never recorded, whose
 * pins expired; removals that failed). Safe to run in several processes at once, and cheap
 * when every project's retention is off. One project's failure is logged and the others go on.
 */
export async function applyRetention(ctx: AppContext): Promise<RetentionPass> {
  const pass: RetentionPass = { deletedRuns: 0, bytesFreed: 0 };
  for (const projectId of await listProjectIds(ctx.db)) {
    try {
      const { retention } = await getEffectiveSettings(ctx.db, projectId);
      if (!isRetentionOn(retention)) continue;
      const report = await runRetention(ctx, projectId, { dryRun: false, actor: 'system' });
      pass.deletedRuns += report.deletedRuns;
      pass.bytesFreed += report.bytesFreed;
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') continue; // project deleted meanwhile
      ctx.logger.warn({ err: error, projectId }, 'retention failed for a project');
    }
  }
  const collected = await collectUnreferencedBlobs(ctx);
  pass.bytesFreed += collected.bytesFreed;
  countRetentionBytesFreed(collected.bytesFreed);
  if (pass.deletedRuns > 0 || collected.filesRemoved > 0) {
    ctx.logger.info(
      { deletedRuns: pass.deletedRuns, bytesFreed: pass.bytesFreed },
      'retention: deleted old runs and unreferenced files',
    );
  }
  return pass;
}
