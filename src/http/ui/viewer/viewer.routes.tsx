import type { AppContext } from '../../../app-context.ts';
import { promoteToBaseline } from '../../../baselines/promote.ts';
import { getProject } from '../../../projects/projects.service.ts';
import { cancelExecution } from '../../../runs/cancel.ts';
import { rejectExecution } from '../../../runs/reject.ts';
import { isChange, reviewProgressText } from '../run-detail/run-review.tsx';
import { retryExecution } from '../../../runs/retry.ts';
import { isTerminal } from '../../../runs/run.schema.ts';
import { getExecution, getRun, listExecutions } from '../../../runs/runs.service.ts';
import { actorOf } from '../../actor.ts';
import { pageContextOf } from '../layout/page-context.ts';
import { sendFragment, sendPage } from '../shared/html-response.ts';
import { idParamOf } from '../shared/route-params.ts';
import { redirectWithToast, showToast } from '../shared/toast.ts';
import type { UiApp } from '../shared/ui-types.ts';
import { ApprovePanel, ViewerPage } from './viewer-page.tsx';

export function registerViewerScreens(app: UiApp, ctx: AppContext): void {
  /** The viewer's review controls for the execution as it is now (after an approve or reject). */
  const reviewPanel = async (id: string) => {
    const execution = await getExecution(ctx.db, id);
    const [run, siblings] = await Promise.all([
      getRun(ctx.db, execution.runId),
      listExecutions(ctx.db, execution.runId),
    ]);
    const index = siblings.findIndex((s) => s.id === id);
    return (
      <ApprovePanel
        execution={execution}
        run={run}
        nextChanged={siblings.slice(index + 1).find(isChange)}
        progress={run.mode === 'compare' ? reviewProgressText(siblings) : undefined}
      />
    );
  };

  app.get('/executions/:id', async (request, reply) => {
    const execution = await getExecution(ctx.db, idParamOf(request.params));
    const [run, siblings, project, page] = await Promise.all([
      getRun(ctx.db, execution.runId),
      listExecutions(ctx.db, execution.runId),
      getProject(ctx.db, execution.projectId),
      pageContextOf(request, reply, ctx, execution.projectId),
    ]);
    const index = siblings.findIndex((s) => s.id === execution.id);
    const nextChanged = siblings.slice(index + 1).find(isChange);
    return sendPage(
      reply,
      <ViewerPage
        page={page}
        project={project}
        run={run}
        execution={execution}
        previous={index > 0 ? siblings[index - 1] : undefined}
        next={siblings[index + 1]}
        position={index + 1}
        total={siblings.length}
        nextChanged={nextChanged}
        progress={run.mode === 'compare' ? reviewProgressText(siblings) : undefined}
      />,
    );
  });

  /** Polled while the execution is active: reloads the page once it has ended. */
  app.get('/executions/:id/state', async (request, reply) => {
    const execution = await getExecution(ctx.db, idParamOf(request.params));
    if (isTerminal(execution.status))
      return reply.header('hx-refresh', 'true').status(200).send('');
    return reply.status(204).send();
  });

  app.post('/executions/:id/approve', async (request, reply) => {
    const id = idParamOf(request.params);
    const promotion = await promoteToBaseline(ctx, id, actorOf(request, 'ui'));
    const panel = await reviewPanel(id);
    showToast(reply, {
      kind: 'success',
      message: promotion.changed
        ? `Approved: this screenshot is now the baseline image of its cell${promotion.baseline.branch === undefined ? '' : ` on branch '${promotion.baseline.branch}'`}`
        : 'Already approved: this screenshot was the baseline image',
    });
    return sendFragment(reply, panel);
  });

  app.post('/executions/:id/reject', async (request, reply) => {
    const id = idParamOf(request.params);
    await rejectExecution(ctx, id, actorOf(request, 'ui'));
    const panel = await reviewPanel(id);
    showToast(reply, { kind: 'success', message: 'Rejected: the baseline stays as it is' });
    return sendFragment(reply, panel);
  });

  app.post('/executions/:id/retry', async (request, reply) => {
    const id = idParamOf(request.params);
    await retryExecution(ctx, id, actorOf(request, 'ui'));
    return redirectWithToast(request, reply, `/executions/${id}`, {
      kind: 'success',
      message: 'Execution queued again',
    });
  });

  app.post('/executions/:id/cancel', async (request, reply) => {
    const id = idParamOf(request.params);
    await cancelExecution(ctx, id, 'user', actorOf(request, 'ui'));
    return redirectWithToast(request, reply, `/executions/${id}`, {
      kind: 'success',
      message: 'Execution cancelled',
    });
  });
}
