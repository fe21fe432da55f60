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
 * left out. The run level applies the run threshold to the MAX diff, not the average: one
 * broken page among fifty is a regression, and averaging would dilute it below any threshold.
 * `none` when every compared execution is `none`; `major` when the max exceeds the run
 * threshold; otherwise `minor`.
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
    })),
    runThresholdPercent,
  );
}

/** Executions that share a diff level: how many, and the sum and max of their diff percents. */
export interface DiffGroup {
  diffLevel: DiffLevel | null;
  count: number;
  sumDiffPercent: number;
  maxDiffPercent: number;
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
  for (const group of groups) {
    if (group.diffLevel === null || group.count === 0) continue;
    summary[group.diffLevel] += group.count;
    compared += group.count;
    total += group.sumDiffPercent;
    max = Math.max(max, group.maxDiffPercent);
  }
  if (compared === 0) return summary;
  summary.avgDiffPercent = total / compared;
  summary.maxDiffPercent = max;
  if (summary.minor === 0 && summary.major === 0) summary.diffLevel = 'none';
  else summary.diffLevel = max > runThresholdPercent ? 'major' : 'minor';
  return summary;
}

function assertThreshold(value: number, kind: string): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new AppError(
      'validation_failed',
      `the ${kind} diff threshold must be a percentage ≥ 0, got ${value}`,
    );
  }
}
