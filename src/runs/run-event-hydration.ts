import type { Db } from '../db/connect.ts';
import type { EventHydrator } from '../events/event-bus.ts';
import { findExecution } from './executions.repository.ts';
import { toExecutions, toRuns } from './run-views.ts';
import { findRun } from './runs.repository.ts';

/**
 * Loads what a published run or execution change names, as the API shows it, for the live
 * listeners of the process that received it. A run or execution deleted meanwhile yields
 * nothing.
 */
export function hydrateRunEvents(db: Db): EventHydrator {
  return async (event) => {
    switch (event.type) {
      case 'execution.changed': {
        const record = await findExecution(db, event.executionId);
        if (!record) return undefined;
        const [execution] = await toExecutions(db, event.projectId, [record]);
        return (
          execution && {
            type: 'execution.updated',
            projectId: event.projectId,
            runId: event.runId,
            execution,
          }
        );
      }
      case 'run.changed': {
        const record = await findRun(db, event.runId);
        if (!record) return undefined;
        const [run] = await toRuns(db, [record]);
        return run && { type: 'run.updated', projectId: event.projectId, runId: event.runId, run };
      }
      case 'run.deleted':
      case 'run.log':
      case 'baseline.updated':
        return event;
    }
  };
}
