import type { AppContext } from '../../app-context.ts';
import type { SceneEvent } from '../../events/scene-events.ts';
import { isTerminal, type Run } from '../../runs/run.schema.ts';
import { getRun, listExecutions } from '../../runs/runs.service.ts';
import { openSse, trackOpenStreams } from '../sse.ts';
import { errorResponses, idParams, type ApiApp } from './api-types.ts';

/**
 * Server-Sent Events of one run:
 * - `snapshot` {run, executions} first, on every connect (a reconnecting client starts over);
 * - `run` {run} on each status/summary change, `execution` {execution} on each execution
 *   change, `log` {line} for each run-log line (capture steps as they happen);
 * - `summary` {run} once the run has ended, then the server closes the stream;
 * - `deleted` {runId} instead, when the run is deleted with its batch or project.
 */
export function registerRunEventRoutes(app: ApiApp, ctx: AppContext): void {
  const open = trackOpenStreams(app);

  app.get('/runs/:id/events', {
    schema: {
      tags: ['runs'],
      summary: 'Live events of a run (text/event-stream)',
      description:
        'Events: `snapshot` {run, executions} on connect; `run` {run}; `execution` {execution}; `log` {line}; `summary` {run} when the run ends, after which the stream closes (or `deleted` {runId} when the run is deleted with its batch or project). Heartbeat comments every 15 s.',
      params: idParams,
      response: { 404: errorResponses[404] },
    },
    handler: async (request, reply) => {
      const runId = request.params.id;
      // Subscribe before reading the snapshot so nothing falls between the two.
      const early: SceneEvent[] = [];
      let deliver: (event: SceneEvent) => void = (event) => early.push(event);
      const unsubscribe = ctx.events.subscribe((event) => deliver(event), { runId });
      let run: Run;
      let executions;
      try {
        run = await getRun(ctx.db, runId);
        executions = await listExecutions(ctx.db, runId);
      } catch (error) {
        unsubscribe();
        throw error;
      }

      const stream = openSse(request, reply, open);
      stream.onClose(unsubscribe);
      const send = (name: string, data: unknown): void => stream.event(name, JSON.stringify(data));

      const forward = (event: SceneEvent): void => {
        switch (event.type) {
          case 'run.updated':
            send('run', { run: event.run });
            if (isTerminal(event.run.status)) {
              send('summary', { run: event.run });
              stream.close();
            }
            return;
          case 'execution.updated':
            send('execution', { execution: event.execution });
            return;
          case 'run.log':
            send('log', { line: event.line });
            return;
          case 'run.deleted':
            send('deleted', { runId: event.runId });
            stream.close();
            return;
          case 'baseline.updated':
            return;
        }
      };

      send('snapshot', { run, executions });
      if (isTerminal(run.status)) {
        send('summary', { run });
        stream.close();
        return;
      }
      deliver = forward;
      for (const event of early) forward(event);
    },
  });
}
