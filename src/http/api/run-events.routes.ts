import type { ServerResponse } from 'node:http';
import type { AppContext } from '../../app-context.ts';
import type { SceneEvent } from '../../events/scene-events.ts';
import { isTerminal, type Run } from '../../runs/run.schema.ts';
import { getRun, listExecutions } from '../../runs/runs.service.ts';
import { errorResponses, idParams, type ApiApp } from './api-types.ts';

/** A comment line every so often keeps proxies from closing an idle stream. */
export const sseHeartbeatMs = 15_000;

/**
 * Server-Sent Events of one run:
 * - `snapshot` {run, executions} first, on every connect (a reconnecting client starts over);
 * - `run` {run} on each status/summary change, `execution` {execution} on each execution
 *   change, `log` {line} for each run-log line (capture steps as they happen);
 * - `summary` {run} once the run has ended, then the server closes the stream;
 * - `deleted` {runId} instead, when the run is deleted with its batch or project.
 */
export function registerRunEventRoutes(app: ApiApp, ctx: AppContext): void {
  const open = new Set<ServerResponse>();
  // Open streams would otherwise hold a graceful shutdown until clients leave.
  app.addHook('preClose', (done) => {
    for (const response of open) response.end();
    open.clear();
    done();
  });

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

      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      open.add(response);
      const send = (name: string, data: unknown): void => {
        if (!response.writableEnded)
          response.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      const heartbeat = setInterval(() => {
        if (!response.writableEnded) response.write(': heartbeat\n\n');
      }, sseHeartbeatMs);
      const finish = (): void => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(response);
        if (!response.writableEnded) response.end();
      };
      request.raw.on('close', finish);

      const forward = (event: SceneEvent): void => {
        switch (event.type) {
          case 'run.updated':
            send('run', { run: event.run });
            if (isTerminal(event.run.status)) {
              send('summary', { run: event.run });
              finish();
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
            finish();
            return;
          case 'baseline.updated':
            return;
        }
      };

      send('snapshot', { run, executions });
      if (isTerminal(run.status)) {
        send('summary', { run });
        finish();
        return;
      }
      deliver = forward;
      for (const event of early) forward(event);
    },
  });
}
