import type { DiffLevel, ExecutionStatus } from '../shared/domain.ts';

/**
 * What a reviewer sees of an execution at a glance, the run page's groups: a major or minor
 * change, a new cell (no baseline image yet), a failure (failed or cancelled), unchanged, or
 * still pending (queued, running). A baseline run's finished executions are `unchanged`.
 */
export const executionOutcomes = [
  'major',
  'minor',
  'new',
  'failed',
  'unchanged',
  'pending',
] as const;
export type ExecutionOutcome = (typeof executionOutcomes)[number];

/** The outcomes a bulk approval takes by default: the changes. */
export const changedOutcomes: readonly ExecutionOutcome[] = ['major', 'minor', 'new'];

export function executionOutcome(execution: {
  status: ExecutionStatus;
  diffLevel?: DiffLevel | null | undefined;
  noBaseline?: boolean | undefined;
}): ExecutionOutcome {
  if (execution.status === 'failed' || execution.status === 'cancelled') return 'failed';
  if (execution.status !== 'finished') return 'pending';
  if (execution.noBaseline === true) return 'new';
  if (execution.diffLevel === 'major' || execution.diffLevel === 'minor') {
    return execution.diffLevel;
  }
  return 'unchanged';
}
