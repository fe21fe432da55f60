import type { Baseline } from '../baselines/baseline.schema.ts';
import type { Execution, NewRunLogLine, Run } from '../runs/run.schema.ts';

/**
 * What listeners of the event bus receive: published after the transaction of the change
 * commits, so a listener that reads the database sees the change. Consumers: the SSE stream of
 * a run, the UI.
 */
export type SceneEvent =
  | { type: 'run.updated'; projectId: string; runId: string; run: Run }
  | { type: 'run.deleted'; projectId: string; runId: string }
  | { type: 'execution.updated'; projectId: string; runId: string; execution: Execution }
  | {
      type: 'run.log';
      projectId: string;
      runId: string;
      /** seq is present once the line is stored; capture steps stream before they are. */
      line: NewRunLogLine & { seq?: number };
    }
  | { type: 'baseline.updated'; projectId: string; baseline: Baseline; matrixKey?: string };

export type SceneEventType = SceneEvent['type'];

/**
 * What is published, possibly to other processes: a changed run or execution is named by its
 * id, and the receiving process loads its current state from the database (so a late or
 * repeated notice never shows stale data). The other events are small and carried whole.
 */
export type BusEvent =
  | { type: 'run.changed'; projectId: string; runId: string }
  | { type: 'execution.changed'; projectId: string; runId: string; executionId: string }
  | Extract<SceneEvent, { type: 'run.deleted' | 'run.log' | 'baseline.updated' }>;
