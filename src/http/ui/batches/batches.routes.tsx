import type { AppContext } from '../../../app-context.ts';
import { createBatchSchema, updateBatchSchema } from '../../../batches/batch.schema.ts';
import {
  createBatch,
  deleteBatch,
  getBatch,
  listBatches,
  updateBatch,
} from '../../../batches/batches.service.ts';
import { listPages } from '../../../pages/pages.service.ts';
import { getProject } from '../../../projects/projects.service.ts';
import { getEffectiveSettings } from '../../../settings/settings.service.ts';
import { listTasks } from '../../../tasks/tasks.service.ts';
import { actorOf } from '../../actor.ts';
import { pageContextOf } from '../layout/page-context.ts';
import { ProjectShell } from '../layout/project-shell.tsx';
import { attempt } from '../shared/attempt.ts';
import { formBodyOf } from '../shared/form-data.ts';
import { validateForm, type FieldErrors } from '../shared/form-errors.ts';
import { sendFragment, sendPage, sendPartials } from '../shared/html-response.ts';
import { idParamOf } from '../shared/route-params.ts';
import { closeModal, showToast } from '../shared/toast.ts';
import type { UiApp } from '../shared/ui-types.ts';
import type { Batch } from '../../../batches/batch.schema.ts';
import {
  BatchForm,
  batchFieldOfServiceError,
  batchFormValues,
  batchFormValuesOf,
  batchInputOf,
  type BatchFormValues,
} from './batch-form.tsx';
import { listSchedulesOfProject } from '../../../schedules/schedules.repository.ts';
import { BatchesPanel } from './batches-panel.tsx';

async function batchChoices(ctx: AppContext, projectId: string) {
  const [pages, tasks, settings] = await Promise.all([
    listPages(ctx, projectId, { limit: 200 }),
    listTasks(ctx, projectId, { limit: 200 }),
    getEffectiveSettings(ctx.db, projectId),
  ]);
  return { pages: pages.items, tasks: tasks.items, settings };
}

/** The project's Batches tab (#batches-panel), with each batch's schedules. */
export async function batchesPanelOf(ctx: AppContext, projectId: string) {
  const [batches, { pages, tasks }, schedules] = await Promise.all([
    listBatches(ctx, projectId, { limit: 200 }),
    batchChoices(ctx, projectId),
    listSchedulesOfProject(ctx.db, projectId),
  ]);
  return (
    <BatchesPanel
      projectId={projectId}
      batches={batches.items}
      pages={pages}
      tasks={tasks}
      schedules={schedules}
    />
  );
}

export function registerBatchScreens(app: UiApp, ctx: AppContext): void {
  const choices = (projectId: string) => batchChoices(ctx, projectId);
  const panel = (projectId: string) => batchesPanelOf(ctx, projectId);

  const form = async (
    projectId: string,
    batch: Batch | undefined,
    values: BatchFormValues | undefined,
    errors?: FieldErrors,
  ) => {
    const { pages, tasks, settings } = await choices(projectId);
    return (
      <BatchForm
        projectId={projectId}
        batch={batch}
        pages={pages}
        tasks={tasks}
        settings={settings}
        values={values ?? batchFormValues(batch, settings)}
        errors={errors}
      />
    );
  };

  app.get('/projects/:id/batches', async (request, reply) => {
    const project = await getProject(ctx.db, idParamOf(request.params));
    const page = await pageContextOf(request, reply, ctx);
    return sendPage(
      reply,
      <ProjectShell project={project} tab="batches" page={page}>
        {await panel(project.id)}
      </ProjectShell>,
    );
  });

  app.get('/projects/:id/batches/new', async (request, reply) => {
    const project = await getProject(ctx.db, idParamOf(request.params));
    return sendFragment(reply, await form(project.id, undefined, undefined));
  });

  app.post('/projects/:id/batches', async (request, reply) => {
    const project = await getProject(ctx.db, idParamOf(request.params));
    const body = formBodyOf(request);
    const input = validateForm(createBatchSchema, batchInputOf(body, 'create'));
    const created = input.ok
      ? await attempt(
          () => createBatch(ctx, project.id, input.value, actorOf(request, 'ui')),
          batchFieldOfServiceError,
        )
      : input;
    if (!created.ok) {
      return sendFragment(
        reply,
        await form(project.id, undefined, batchFormValuesOf(body), created.errors),
        422,
      );
    }
    closeModal(reply);
    showToast(reply, { kind: 'success', message: `Batch "${created.value.name}" created` });
    return sendPartials(reply, [{ id: 'batches-panel', html: panel(project.id) }]);
  });

  app.get('/batches/:id/edit', async (request, reply) => {
    const batch = await getBatch(ctx.db, idParamOf(request.params));
    return sendFragment(reply, await form(batch.projectId, batch, undefined));
  });

  app.patch('/batches/:id', async (request, reply) => {
    const batch = await getBatch(ctx.db, idParamOf(request.params));
    const body = formBodyOf(request);
    const input = validateForm(updateBatchSchema, batchInputOf(body, 'update'));
    const updated = input.ok
      ? await attempt(
          () => updateBatch(ctx, batch.id, input.value, actorOf(request, 'ui')),
          batchFieldOfServiceError,
        )
      : input;
    if (!updated.ok) {
      return sendFragment(
        reply,
        await form(batch.projectId, batch, batchFormValuesOf(body), updated.errors),
        422,
      );
    }
    closeModal(reply);
    showToast(reply, { kind: 'success', message: `Batch "${updated.value.name}" saved` });
    return sendPartials(reply, [{ id: 'batches-panel', html: panel(batch.projectId) }]);
  });

  app.delete('/batches/:id', async (request, reply) => {
    const batch = await getBatch(ctx.db, idParamOf(request.params));
    await deleteBatch(ctx, batch.id, actorOf(request, 'ui'));
    showToast(reply, { kind: 'success', message: `Batch "${batch.name}" deleted` });
    return sendPartials(reply, [{ id: 'batches-panel', html: panel(batch.projectId) }]);
  });
}
