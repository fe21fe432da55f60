import type { ExecutionRecord } from './executions.repository.ts';

/** A short name of an execution's matrix cell for log lines. */
export function cellLabel(
  execution: Pick<ExecutionRecord, 'pageName' | 'taskName' | 'browser' | 'viewport'> & {
    capture?: ExecutionRecord['capture'];
  },
): string {
  const task = execution.taskName === null ? '' : ` / ${execution.taskName}`;
  const element = execution.capture?.scope === 'element' ? ` ${execution.capture.selector}` : '';
  return `${execution.pageName}${task}${element} · ${execution.browser} · ${execution.viewport.name}`;
}
