import type { AppContext } from '../../../app-context.ts';
import {
  approveRun,
  undoableBulkApproval,
  undoLastBulkApproval,
} from '../../../baselines/bulk-approve.ts';
import { getProject } from '../../../projects/projects.service.ts';
import { cancelRun } from '../../../runs/cancel.ts';
import { retryRun } from '../../../runs/retry.ts';
import { isTerminal, type RunLogLine } from '../../../runs/run.schema.ts';
import { deleteRun, getRun, getRunLog, listExecutions } from '../../../runs/runs.service.ts';
import { actorOf } from '../../actor.ts';
import { shortId } from '../components/badges.tsx';
import { pageContextOf } from '../layout/page-context.ts';
import { projectTabHref } from '../layout/project-shell.tsx';
import { currentPagePath, sendPage, sendPartials } from '../shared/html-response.ts';
import { formBodyOf, textField } from '../shared/form-data.ts';
import { idParamOf } from '../shared/route-params.ts';
import { openSse, trackOpenStreams } from '../../sse.ts';
import { redirectWithToast, showToast } from '../shared/toast.ts';
import type { UiApp } from '../shared/ui-types.ts';
import { ExecutionCard } from './executions-grid.tsx';
import { LiveBadge, RunLogLineView } from './run-log.tsx';
import { RunActions, RunPage } from './run-page.tsx';
import { reviewFilterOf } from './run-review.tsx';
import { RunStatusBadges, RunSummaryCard } from './run-summary.tsx';
import { registerThumbnailRoutes } from './thumbnails.routes.ts';

const logPageSize = 1000;
const maxLogLines = 5000;

function partial(target: string, swap: string, html: string): string {
  return `<hx-partial hx-target="${target}" hx-swap="${swap}">${html}</hx-partial>`;
}

export function registerRunDetailScreens(app: UiApp, ctx: AppContext): void {
  const streams = trackOpenStreams(app);
  registerThumbnailRoutes(app, ctx);

  /** The stored log after `afterSeq`, up to maxLogLines. */
  const readLog = async (runId: string, afterSeq: number) => {
    const lines: RunLogLine[] = [];
    let cursor: string | null = String(afterSeq);
    while (cursor !== null && lines.length < maxLogLines) {
      const page = await getRunLog(ctx.db, runId, { cursor, limit: logPageSize });
      lines.push(...page.items);
      cursor = page.nextCursor;
    }
    return { lines, truncated: cursor !== null };
  };

  app.get('/runs/:id', async (request, reply) => {
    const run = await getRun(ctx.db, idParamOf(request.params));
    const [project, executions, log, page, undoable] = await Promise.all([
      getProject(ctx.db, run.projectId),
      listExecutions(ctx.db, run.id),
      readLog(run.id, 0),
      pageContextOf(request, reply, ctx, run.projectId),
      undoableBulkApproval(ctx.db, run.id),
    ]);
    return sendPage(
      reply,
      <RunPage
        page={page}
        project={project}
        run={run}
        executions={executions}
        log={log.lines}
        logTruncated={log.truncated}
        filter={reviewFilterOf(request.query)}
        undoable={undoable}
      />,
    );
  });

  /**
   * Live updates of a run page as htmx partials: summary, badges and actions on each run
   * change, an execution's card on each of its changes, log lines as they come. On connect,
   * everything since the page was rendered (log lines after `after`, or after Last-Event-ID
   * on a reconnect). `run-ended` tells the page to close the stream.
   */
  app.get('/runs/:id/live', async (request, reply) => {
    const runId = idParamOf(request.params);
    const query = request.query as { after?: string };
    const lastEventId = Number(request.headers['last-event-id'] ?? NaN);
    let lastSeq = Math.max(
      Number(query.after ?? 0) || 0,
      Number.isFinite(lastEventId) ? lastEventId : 0,
    );

    const early: Parameters<Parameters<typeof ctx.events.subscribe>[0]>[0][] = [];
    let deliver: (event: (typeof early)[number]) => void = (event) => early.push(event);
    const unsubscribe = ctx.events.subscribe((event) => deliver(event), { runId });
    let snapshot;
    try {
      const run = await getRun(ctx.db, runId);
      snapshot = {
        run,
        executions: await listExecutions(ctx.db, runId),
        log: await readLog(runId, lastSeq),
      };
    } catch (error) {
      unsubscribe();
      throw error;
    }
    const stream = openSse(request, reply, streams);
    stream.onClose(unsubscribe);

    const runPartials = async (run: typeof snapshot.run) =>
      partial(
        '#run-summary',
        'outerMorph',
        await (<RunSummaryCard run={run} projectId={run.projectId} />),
      ) +
      partial('#run-badges', 'outerMorph', await (<RunStatusBadges run={run} />)) +
      partial('#run-actions', 'outerMorph', await (<RunActions run={run} />)) +
      partial(
        '#run-live-badge',
        'outerMorph',
        await (<LiveBadge live={!isTerminal(run.status)} />),
      );
    const card = async (execution: (typeof snapshot.executions)[number]) =>
      partial(
        `#exec-${execution.id}`,
        'outerMorph',
        await (<ExecutionCard execution={execution} />),
      );
    const logLine = async (line: Parameters<typeof RunLogLineView>[0]['line']) =>
      partial('#run-log-lines', 'beforeend', await (<RunLogLineView line={line} />));

    let html = await runPartials(snapshot.run);
    for (const execution of snapshot.executions) html += await card(execution);
    for (const line of snapshot.log.lines) html += await logLine(line);
    lastSeq = Math.max(lastSeq, snapshot.log.lines.at(-1)?.seq ?? 0);
    stream.html(html, String(lastSeq));
    if (isTerminal(snapshot.run.status)) {
      stream.event('run-ended');
      stream.close();
      return;
    }

    const forward = async (event: (typeof early)[number]) => {
      switch (event.type) {
        case 'run.updated':
          stream.html(await runPartials(event.run));
          if (isTerminal(event.run.status)) {
            stream.event('run-ended');
            stream.close();
          }
          return;
        case 'execution.updated':
          stream.html(await card(event.execution));
          return;
        case 'run.log': {
          const seq = event.line.seq;
          if (seq !== undefined && seq <= lastSeq) return;
          if (seq !== undefined) lastSeq = seq;
          stream.html(await logLine(event.line), seq === undefined ? undefined : String(seq));
          return;
        }
        case 'run.deleted':
          stream.event('run-ended');
          stream.close();
          return;
        case 'baseline.updated':
          return;
      }
    };
    // Events are forwarded one at a time, in order.
    let chain = Promise.resolve();
    deliver = (event) => {
      chain = chain
        .then(() => (stream.closed ? undefined : forward(event)))
        .catch((error: unknown) => request.log.warn({ err: error }, 'run live update failed'));
    };
    for (const event of early) deliver(event);
  });

  app.post('/runs/:id/cancel', async (request, reply) => {
    const runId = idParamOf(request.params);
    await cancelRun(ctx, runId, 'user', actorOf(request, 'ui'));
    const run = await getRun(ctx.db, runId);
    showToast(reply, { kind: 'success', message: `Run #${shortId(run.id)} cancelled` });
    return sendPartials(reply, [
      { id: 'run-summary', html: <RunSummaryCard run={run} projectId={run.projectId} /> },
      { id: 'run-badges', html: <RunStatusBadges run={run} /> },
      { id: 'run-actions', html: <RunActions run={run} /> },
    ]);
  });

  /** Back to the run page the form was on (its filter), never elsewhere. */
  const backTo = (runId: string, body: Record<string, unknown>): string => {
    const back = typeof body['back'] === 'string' ? body['back'] : '';
    return back.startsWith(`/runs/${runId}`) && !back.startsWith('//') ? back : `/runs/${runId}`;
  };

  app.post('/runs/:id/approve', async (request, reply) => {
    const runId = idParamOf(request.params);
    const body = formBodyOf(request);
    const executionIds = textField(body, 'executionIds')
      .split(',')
      .map((id) => id.trim())
      .filter((id) => id !== '');
    const result = await approveRun(
      ctx,
      runId,
      executionIds.length > 0 ? { executionIds } : {},
      actorOf(request, 'ui'),
    );
    return redirectWithToast(request, reply, backTo(runId, body), {
      kind: 'success',
      message:
        result.approved === 0
          ? 'Nothing to approve: these screenshots already are the baseline images'
          : `Approved ${result.approved} change${result.approved === 1 ? '' : 's'} into the baseline`,
    });
  });

  app.post('/runs/:id/approve/undo', async (request, reply) => {
    const runId = idParamOf(request.params);
    const result = await undoLastBulkApproval(ctx, runId, actorOf(request, 'ui'));
    return redirectWithToast(request, reply, backTo(runId, formBodyOf(request)), {
      kind: 'success',
      message:
        `Bulk approval undone: ${result.undone} baseline image${result.undone === 1 ? '' : 's'} restored` +
        (result.skipped > 0 ? ` (${result.skipped} changed since, left as they are)` : ''),
    });
  });

  app.post('/runs/:id/retry', async (request, reply) => {
    const runId = idParamOf(request.params);
    await retryRun(ctx, runId, actorOf(request, 'ui'));
    return redirectWithToast(request, reply, `/runs/${runId}`, {
      kind: 'success',
      message: `Retrying the failed and cancelled executions of run #${shortId(runId)}`,
    });
  });

  app.delete('/runs/:id', async (request, reply) => {
    const run = await getRun(ctx.db, idParamOf(request.params));
    await deleteRun(ctx, run.id, actorOf(request, 'ui'));
    const back = currentPagePath(request, '');
    return redirectWithToast(
      request,
      reply,
      back.startsWith(`/runs/${run.id}`) || back === ''
        ? projectTabHref(run.projectId, 'runs')
        : back,
      { kind: 'success', message: `Run #${shortId(run.id)} deleted` },
    );
  });
}
