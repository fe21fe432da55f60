import { summarizeDiffGroups, type DiffGroup } from '../diff/diff-level.ts';
import type {
  CancelReason,
  DiffLevel,
  EnvironmentDrift,
  ExecutionStatus,
  RunMode,
  RunStatus,
} from '../shared/domain.ts';
import { driftNotice } from './environment-drift.ts';
import type { RunSummary } from './run.schema.ts';

/**
 * A run's executions that share a status and a diff level: how many, the sum and max of their
 * diff percents, and the max of the percents their levels were graded on (null percents count
 * as 0). One row of what a run summary is computed from, so its cost does not grow with the
 * run.
 */
export interface OutcomeGroup extends Omit<DiffGroup, 'diffLevel'> {
  status: ExecutionStatus;
  diffLevel: string | null;
}

/** An execution whose fingerprint differs from its baseline entry's (issue 18). */
export interface DriftedCell {
  browser: string;
  drift: readonly EnvironmentDrift[];
}

/**
 * Counts per status and per diff level, and the run's diff level (DESIGN.md section 2); with
 * the cells compared against baselines rendered elsewhere, a notice saying so.
 */
export function summarizeRun(
  mode: RunMode,
  groups: readonly OutcomeGroup[],
  runDiffThreshold: number,
  drifted: readonly DriftedCell[] = [],
): RunSummary {
  const counts = { queued: 0, running: 0, finished: 0, failed: 0, cancelled: 0 };
  let noBaseline = 0;
  let total = 0;
  for (const g of groups) {
    counts[g.status] += g.count;
    total += g.count;
    if (mode === 'compare' && g.status === 'finished' && g.diffLevel === null)
      noBaseline += g.count;
  }
  const diffs = summarizeDiffGroups(
    groups.map((g) => ({
      ...g,
      diffLevel: g.status === 'finished' ? (g.diffLevel as DiffLevel | null) : null,
    })),
    runDiffThreshold,
  );
  const drifts = drifted.filter((d) => d.drift.length > 0);
  const notice = driftNotice(drifts);
  return {
    total,
    ...counts,
    ...(notice !== undefined && { environmentDrift: drifts.length, environmentNotice: notice }),
    none: diffs.none,
    minor: diffs.minor,
    major: diffs.major,
    noBaseline,
    avgDiffPercent: diffs.avgDiffPercent,
    maxDiffPercent: diffs.maxDiffPercent,
    diffLevel: diffs.diffLevel,
  };
}

/**
 * A run's status from its executions — never set any other way:
 * - queued while nothing has started, running while any execution is queued or running;
 * - once all are terminal: cancelled if the run was cancelled (user or deadline); failed if an
 *   execution failed or timed out; cancelled if the user cancelled every execution one by one;
 *   finished otherwise. A diff, however large, is a finding, not a failure.
 */
export function deriveRunStatus(input: {
  counts: Record<ExecutionStatus, number>;
  timedOut: number;
  runCancelReason: CancelReason | null;
  started: boolean;
}): RunStatus {
  const { counts } = input;
  if (counts.queued + counts.running > 0) {
    const anyStarted =
      input.started || counts.running + counts.finished + counts.failed + counts.cancelled > 0;
    return anyStarted ? 'running' : 'queued';
  }
  if (input.runCancelReason !== null) return 'cancelled';
  if (counts.failed > 0 || input.timedOut > 0) return 'failed';
  if (counts.finished === 0 && counts.cancelled > 0) return 'cancelled';
  return 'finished';
}
