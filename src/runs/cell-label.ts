import type { ExecutionRecord } from './executions.repository.ts';

/** A short name of an execution's matrix cell for log lines. */
export function cellLabel(
  execution: Pick<ExecutionRecord, 'pageName' | 'taskName' | 'browser' | 'viewport'>,
): string {
  const task = execution.taskName === null ? '' : ` / ${execution.taskName}`;
  return `${execution.pageName}${task} · ${execution.browser} · ${execution.viewport.name}`;
}
