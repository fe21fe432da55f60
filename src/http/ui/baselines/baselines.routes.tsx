import type { AppContext } from '../../../app-context.ts';
import {
  getCellHistory,
  listBaselineCells,
  revertToEntry,
} from '../../../baselines/baseline-history.ts';
import {
  deleteBaseline,
  getBaseline,
  listBaselines,
} from '../../../baselines/baselines.service.ts';
import { getBatch } from '../../../batches/batches.service.ts';
import { listPages } from '../../../pages/pages.service.ts';
import { getProject } from '../../../projects/projects.service.ts';
import { listTasks } from '../../../tasks/tasks.service.ts';
import { actorOf } from '../../actor.ts';
import { shortId } from '../components/badges.tsx';
import { pageContextOf } from '../layout/page-context.ts';
import { currentPagePath, sendPage } from '../shared/html-response.ts';
import { idParamOf } from '../shared/route-params.ts';
import { partsOfMatrixKey } from '../../../runs/run-matrix.ts';
import { redirectWithToast } from '../shared/toast.ts';
import type { UiApp } from '../shared/ui-types.ts';
import {
  BaselineCellsPage,
  BaselinesPage,
  CellHistoryPage,
  historyHref,
} from './baseline-views.tsx';

export function registerBaselineScreens(app: UiApp, ctx: AppContext): void {
  /** "Home / checkout · chromium · desktop" for a matrix key pageId|taskId|browser|viewport. */
  const cellLabeler = async (projectId: string) => {
    const [pages, tasks] = await Promise.all([
      listPages(ctx, projectId, { limit: 200 }),
      listTasks(ctx, projectId, { limit: 200 }),
    ]);
    const pageName = new Map(pages.items.map((p) => [p.id, p.name]));
    const taskName = new Map(tasks.items.map((t) => [t.id, t.name]));
    return (matrixKey: string) => {
      const { pageId, taskId, browser, viewportName, selector } = partsOfMatrixKey(matrixKey);
      const page = pageName.get(pageId) ?? pageId;
      const task = taskId === '' ? '' : ` / ${taskName.get(taskId) ?? taskId}`;
      const element = selector === undefined ? '' : ` ${selector}`;
      return `${page}${task}${element} · ${browser} · ${viewportName}`;
    };
  };

  app.get('/batches/:id/baselines', async (request, reply) => {
    const batch = await getBatch(ctx.db, idParamOf(request.params));
    const [project, baselines, page] = await Promise.all([
      getProject(ctx.db, batch.projectId),
      listBaselines(ctx, { batchId: batch.id, limit: 100 }),
      pageContextOf(request, reply, ctx, batch.projectId),
    ]);
    return sendPage(
      reply,
      <BaselinesPage page={page} project={project} batch={batch} baselines={baselines.items} />,
    );
  });

  app.get('/baselines/:id', async (request, reply) => {
    const baseline = await getBaseline(ctx.db, idParamOf(request.params));
    const [project, batch, keys, label, page] = await Promise.all([
      getProject(ctx.db, baseline.projectId),
      getBatch(ctx.db, baseline.batchId),
      listBaselineCells(ctx.db, baseline.id),
      cellLabeler(baseline.projectId),
      pageContextOf(request, reply, ctx, baseline.projectId),
    ]);
    return sendPage(
      reply,
      <BaselineCellsPage
        page={page}
        project={project}
        batch={batch}
        baseline={baseline}
        cells={keys.map((matrixKey) => ({ matrixKey, label: label(matrixKey) }))}
      />,
    );
  });

  app.get('/baselines/:id/history', async (request, reply) => {
    const baseline = await getBaseline(ctx.db, idParamOf(request.params));
    const { matrixKey: given } = request.query as { matrixKey?: unknown };
    const matrixKey = typeof given === 'string' ? given : '';
    const [project, batch, entries, label, page] = await Promise.all([
      getProject(ctx.db, baseline.projectId),
      getBatch(ctx.db, baseline.batchId),
      getCellHistory(ctx.db, baseline.id, matrixKey),
      cellLabeler(baseline.projectId),
      pageContextOf(request, reply, ctx, baseline.projectId),
    ]);
    return sendPage(
      reply,
      <CellHistoryPage
        page={page}
        project={project}
        batch={batch}
        baseline={baseline}
        label={label(matrixKey)}
        entries={entries}
      />,
    );
  });

  app.post('/baseline-entries/:id/revert', async (request, reply) => {
    const revert = await revertToEntry(ctx, idParamOf(request.params), actorOf(request, 'ui'));
    return redirectWithToast(request, reply, historyHref(revert.baseline.id, revert.matrixKey), {
      kind: 'success',
      message: revert.changed
        ? 'Reverted: that image is the cell’s baseline image again'
        : 'That image already is the cell’s baseline image',
    });
  });

  app.delete('/baselines/:id', async (request, reply) => {
    const baseline = await getBaseline(ctx.db, idParamOf(request.params));
    await deleteBaseline(ctx, baseline.id, actorOf(request, 'ui'));
    const back = currentPagePath(request, `/batches/${baseline.batchId}/baselines`);
    return redirectWithToast(
      request,
      reply,
      back.startsWith(`/baselines/${baseline.id}`)
        ? `/batches/${baseline.batchId}/baselines`
        : back,
      { kind: 'success', message: `Baseline ${shortId(baseline.id)} deleted` },
    );
  });
}
