import { summarizeDiffs } from '../diff/diff-level.ts';
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

export interface ExecutionOutcomeLike {
  status: ExecutionStatus;
  diffPercent: number | null;
  diffLevel: string | null;
  /** Fingerprint fields that differ from the baseline entry's (issue 18), and its browser. */
  environmentDrift?: readonly EnvironmentDrift[] | null;
  browser?: string;
}

/** Counts per status and per diff level, and the run's diff level (DESIGN.md section 2). */
export function summarizeRun(
  mode: RunMode,
  executions: readonly ExecutionOutcomeLike[],
  runDiffThreshold: number,
): RunSummary {
  const counts = { queued: 0, running: 0, finished: 0, failed: 0, cancelled: 0 };
  let noBaseline = 0;
  for (const e of executions) {
    counts[e.status]++;
    if (mode === 'compare' && e.status === 'finished' && e.diffLevel === null) noBaseline++;
  }
  const diffs = summarizeDiffs(
    executions.map((e) => ({
      diffPercent: e.diffPercent,
      diffLevel: e.status === 'finished' ? (e.diffLevel as DiffLevel | null) : null,
    })),
    runDiffThreshold,
  );
  const drifts = executions
    .map((e) => ({ browser: e.browser ?? '', drift: e.environmentDrift ?? [] }))
    .filter((d) => d.drift.length > 0);
  const notice = driftNotice(drifts);
  return {
    total: executions.length,
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
