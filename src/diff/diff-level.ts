import type { DiffLevel } from '../shared/domain.ts';
import { AppError } from '../shared/errors.ts';

/**
 * An execution's level (DESIGN.md section 2): `none` when no pixel differs, `minor` when the
 * differing share is at most the threshold, `major` above it. Both are percent of pixels.
 * `null` means nothing was measured beyond byte identity and is `none`.
 */
export function diffLevel(
  diffPercent: number | null,
  executionThresholdPercent: number,
): DiffLevel {
  assertThreshold(executionThresholdPercent, 'execution');
  if (diffPercent === null || diffPercent === 0) return 'none';
  return diffPercent <= executionThresholdPercent ? 'minor' : 'major';
}

export interface ExecutionDiff {
  diffPercent: number | null;
  diffLevel: DiffLevel | null;
  /** The percent diffLevel was graded on, when not diffPercent (changedPercent, ignoring moves). */
  levelPercent?: number | null;
}

export interface RunDiffSummary {
  none: number;
  minor: number;
  major: number;
  /** Over compared executions; null when none was compared. */
  avgDiffPercent: number | null;
  maxDiffPercent: number | null;
  /** null when no execution was compared (baseline runs, or nothing finished yet). */
  diffLevel: DiffLevel | null;
}

/**
 * The run's diff summary. Executions without a level (baseline mode, failed, not yet done) are
 * left out. The run's level is derived from its executions' levels, never beside them: `none`
 * when every compared execution is `none`, `minor` when the worst is `minor`. When one is
 * `major`, the run threshold applies to the MAX of the percents the levels were graded on
 * (diffPercent, or changedPercent when the batch ignores moves), not the average: one broken
 * page among fifty is a regression, and averaging would dilute it below any threshold. Within
 * the run threshold the run is `minor`; the run is never worse than its worst execution.
 */
export function summarizeDiffs(
  executions: readonly ExecutionDiff[],
  runThresholdPercent: number,
): RunDiffSummary {
  return summarizeDiffGroups(
    executions.map((e) => ({
      diffLevel: e.diffLevel,
      count: 1,
      sumDiffPercent: e.diffPercent ?? 0,
      maxDiffPercent: e.diffPercent ?? 0,
      maxLevelPercent: e.levelPercent ?? e.diffPercent ?? 0,
    })),
    runThresholdPercent,
  );
}

/**
 * Executions that share a diff level: how many, the sum and max of their diff percents, and
 * the max of the percents their level was graded on.
 */
export interface DiffGroup {
  diffLevel: DiffLevel | null;
  count: number;
  sumDiffPercent: number;
  maxDiffPercent: number;
  maxLevelPercent: number;
}

/** summarizeDiffs, from executions counted in groups (as a database aggregates them). */
export function summarizeDiffGroups(
  groups: readonly DiffGroup[],
  runThresholdPercent: number,
): RunDiffSummary {
  assertThreshold(runThresholdPercent, 'run');
  const summary: RunDiffSummary = {
    none: 0,
    minor: 0,
    major: 0,
    avgDiffPercent: null,
    maxDiffPercent: null,
    diffLevel: null,
  };
  let compared = 0;
  let total = 0;
  let max = 0;
  let maxGraded = 0;
  for (const group of groups) {
    if (group.diffLevel === null || group.count === 0) continue;
    summary[group.diffLevel] += group.count;
    compared += group.count;
    total += group.sumDiffPercent;
    max = Math.max(max, group.maxDiffPercent);
    maxGraded = Math.max(maxGraded, group.maxLevelPercent);
  }
  if (compared === 0) return summary;
  summary.avgDiffPercent = total / compared;
  summary.maxDiffPercent = max;
  summary.diffLevel = runLevel(summary, maxGraded, runThresholdPercent);
  return summary;
}

/** The one rule for a run's level (see summarizeDiffs). */
function runLevel(
  counts: Record<DiffLevel, number>,
  maxGradedPercent: number,
  runThresholdPercent: number,
): DiffLevel {
  if (counts.major > 0) return maxGradedPercent > runThresholdPercent ? 'major' : 'minor';
  return counts.minor > 0 ? 'minor' : 'none';
}

function assertThreshold(value: number, kind: string): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new AppError(
      'validation_failed',
      `the ${kind} diff threshold must be a percentage ≥ 0, got ${value}`,
    );
  }
}
