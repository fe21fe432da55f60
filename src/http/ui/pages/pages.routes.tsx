import type { AppContext } from '../../../app-context.ts';
import { createPageSchema, updatePageSchema } from '../../../pages/page.schema.ts';
import {
  createPage,
  deletePage,
  getPage,
  listPages,
  updatePage,
} from '../../../pages/pages.service.ts';
import { getProject } from '../../../projects/projects.service.ts';
import { actorOf } from '../../actor.ts';
import { pageContextOf } from '../layout/page-context.ts';
import { ProjectShell } from '../layout/project-shell.tsx';
import { attempt } from '../shared/attempt.ts';
import { formBodyOf } from '../shared/form-data.ts';
import { validateForm } from '../shared/form-errors.ts';
import { sendFragment, sendPage, sendPartials } from '../shared/html-response.ts';
import { idParamOf } from '../shared/route-params.ts';
import { closeModal, showToast } from '../shared/toast.ts';
import type { UiApp } from '../shared/ui-types.ts';
import {
  createPageInputOf,
  PageForm,
  pageFormErrors,
  pageFormValues,
  pageFormValuesOf,
  updatePageInputOf,
} from './page-form.tsx';
import { PagesPanel } from './pages-panel.tsx';

const fieldOfServiceError = (message: string) =>
  message.includes('basicAuth.password') ? 'authPassword' : 'name';

export function registerPageScreens(app: UiApp, ctx: AppContext): void {
  const panel = async (projectId: string) => (
    <PagesPanel
      projectId={projectId}
      pages={(await listPages(ctx, projectId, { limit: 200 })).items}
    />
  );

  app.get('/projects/:id/pages', async (request, reply) => {
    const project = await getProject(ctx.db, idParamOf(request.params));
    const page = await pageContextOf(request, reply, ctx);
    return sendPage(
      reply,
      <ProjectShell project={project} tab="pages" page={page}>
        {await panel(project.id)}
      </ProjectShell>,
    );
  });

  app.get('/projects/:id/pages/new', async (request, reply) => {
    const project = await getProject(ctx.db, idParamOf(request.params));
    return sendFragment(reply, <PageForm projectId={project.id} values={pageFormValues()} />);
  });

  app.post('/projects/:id/pages', async (request, reply) => {
    const project = await getProject(ctx.db, idParamOf(request.params));
    const body = formBodyOf(request);
    const input = validateForm(createPageSchema, createPageInputOf(body));
    const created = input.ok
      ? await attempt(
          () => createPage(ctx, project.id, input.value, actorOf(request, 'ui')),
          fieldOfServiceError,
        )
      : input;
    if (!created.ok) {
      const errors = pageFormErrors(created.errors);
      return sendFragment(
        reply,
        <PageForm projectId={project.id} values={pageFormValuesOf(body)} errors={errors} />,
        422,
      );
    }
    closeModal(reply);
    showToast(reply, { kind: 'success', message: `Page "${created.value.name}" created` });
    return sendPartials(reply, [{ id: 'pages-panel', html: panel(project.id) }]);
  });

  app.get('/pages/:id/edit', async (request, reply) => {
    const page = await getPage(ctx.db, idParamOf(request.params));
    return sendFragment(
      reply,
      <PageForm projectId={page.projectId} page={page} values={pageFormValues(page)} />,
    );
  });

  app.patch('/pages/:id', async (request, reply) => {
    const page = await getPage(ctx.db, idParamOf(request.params));
    const body = formBodyOf(request);
    const input = validateForm(updatePageSchema, updatePageInputOf(body, page));
    const updated = input.ok
      ? await attempt(
          () => updatePage(ctx, page.id, input.value, actorOf(request, 'ui')),
          fieldOfServiceError,
        )
      : input;
    if (!updated.ok) {
      const errors = pageFormErrors(updated.errors);
      return sendFragment(
        reply,
        <PageForm
          projectId={page.projectId}
          page={page}
          values={pageFormValuesOf(body)}
          errors={errors}
        />,
        422,
      );
    }
    closeModal(reply);
    showToast(reply, { kind: 'success', message: `Page "${updated.value.name}" saved` });
    return sendPartials(reply, [{ id: 'pages-panel', html: panel(page.projectId) }]);
  });

  app.delete('/pages/:id', async (request, reply) => {
    const page = await getPage(ctx.db, idParamOf(request.params));
    await deletePage(ctx, page.id, actorOf(request, 'ui'));
    showToast(reply, { kind: 'success', message: `Page "${page.name}" deleted` });
    return sendPartials(reply, [{ id: 'pages-panel', html: panel(page.projectId) }]);
  });
}
