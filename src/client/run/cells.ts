import type { Execution, Run } from '../scene-client.ts';

/** The diff level at which `scene run` fails (exit 1); `never` reports changes but passes. */
export const failOnLevels = ['major', 'minor', 'never'] as const;
export type FailOn = (typeof failOnLevels)[number];

/** What a cell (one execution) came to, as reports show it. */
export type CellOutcome =
  | 'unchanged'
  | 'minor'
  | 'major'
  /** compare: no baseline image for the cell yet; approving its screenshot adds one */
  | 'new'
  /** baseline mode: the screenshot was recorded */
  | 'recorded'
  | 'failed'
  | 'cancelled'
  /** not ended (only while waiting) */
  | 'pending';

/**
 * `page › task › browser › viewport`; a cell without a task is captured "as loaded"; an element
 * cell adds its selector after the task.
 */
export function cellName(execution: Execution): string {
  return [
    execution.pageName,
    execution.taskName ?? 'as loaded',
    ...(execution.capture?.scope === 'element' ? [execution.capture.selector ?? ''] : []),
    execution.browser,
    execution.viewport.name,
  ].join(' › ');
}

export function cellOutcome(execution: Execution, mode: Run['mode']): CellOutcome {
  switch (execution.status) {
    case 'queued':
    case 'running':
      return 'pending';
    case 'failed':
      return 'failed';
    case 'cancelled':
      return 'cancelled';
    case 'finished':
      if (mode === 'baseline') return 'recorded';
      if (execution.noBaseline) return 'new';
      if (execution.diffLevel === 'major') return 'major';
      if (execution.diffLevel === 'minor') return 'minor';
      return 'unchanged';
  }
}

/** Whether a cell's change is at or above the `--fail-on` level. */
export function reachesFailOn(outcome: CellOutcome, failOn: FailOn): boolean {
  switch (failOn) {
    case 'never':
      return false;
    case 'major':
      return outcome === 'major';
    case 'minor':
      return outcome === 'major' || outcome === 'minor';
  }
}

export function isChange(outcome: CellOutcome): boolean {
  return outcome === 'major' || outcome === 'minor';
}

/** A diff percentage as reports show it: 0.0123 → "0.0123%", 12.5 → "12.50%". */
export function formatPercent(percent: number | undefined): string {
  if (percent === undefined) return '';
  return percent >= 1 ? `${percent.toFixed(2)}%` : `${Number(percent.toPrecision(3))}%`;
}

/**
 * The exit code of `scene run --wait` for an ended run (README, "Exit codes"): 2 when the run
 * failed or was cancelled, 1 when a cell reached `failOn`, else 0.
 */
export function exitCodeOf(run: Run, executions: Execution[], failOn: FailOn): 0 | 1 | 2 {
  if (run.status !== 'finished') return 2;
  const failing = executions.some((e) => reachesFailOn(cellOutcome(e, run.mode), failOn));
  return failing ? 1 : 0;
}
