import { visibleProjectIds } from '../../../auth/principal.ts';
import type { AppContext } from '../../../app-context.ts';
import { createProjectSchema, updateProjectSchema } from '../../../projects/project.schema.ts';
import {
  createProject,
  deleteProject,
  getProject,
  listProjects,
  updateProject,
} from '../../../projects/projects.service.ts';
import { idSchema, listQuerySchema } from '../../../shared/schemas.ts';
import { actorOf } from '../../actor.ts';
import { pageContextOf } from '../layout/page-context.ts';
import { projectTabHref } from '../layout/project-shell.tsx';
import { attempt, parseQuery } from '../shared/attempt.ts';
import { formBodyOf } from '../shared/form-data.ts';
import { validateForm } from '../shared/form-errors.ts';
import { currentPagePath, sendFragment, sendPage } from '../shared/html-response.ts';
import { redirectWithToast } from '../shared/toast.ts';
import type { UiApp } from '../shared/ui-types.ts';
import {
  ProjectForm,
  projectFormValues,
  projectFormValuesOf,
  projectInputOf,
} from './project-form.tsx';
import { ProjectsListPage } from './projects-list.tsx';

export function projectIdOf(params: unknown): string {
  return parseQuery(idSchema, (params as { id?: unknown }).id);
}

export function registerProjectScreens(app: UiApp, ctx: AppContext): void {
  app.get('/', (_request, reply) => reply.redirect('/projects'));

  app.get('/projects', async (request, reply) => {
    const query = parseQuery(listQuerySchema, request.query);
    const projects = await listProjects(ctx, {
      cursor: query.cursor,
      limit: 50,
      projectIds: visibleProjectIds(request.principal),
    });
    const page = await pageContextOf(request, reply, ctx);
    return sendPage(
      reply,
      <ProjectsListPage page={page} projects={projects} cursor={query.cursor} />,
    );
  });

  app.get('/projects/new', (_request, reply) =>
    sendFragment(reply, <ProjectForm values={projectFormValues()} />),
  );

  app.post('/projects', async (request, reply) => {
    const body = formBodyOf(request);
    const values = projectFormValuesOf(body);
    const input = validateForm(createProjectSchema, projectInputOf(body, 'create'));
    const created = input.ok
      ? await attempt(() => createProject(ctx, input.value, actorOf(request, 'ui')), 'name')
      : input;
    if (!created.ok)
      return sendFragment(reply, <ProjectForm values={values} errors={created.errors} />, 422);
    return redirectWithToast(request, reply, projectTabHref(created.value.id, 'pages'), {
      kind: 'success',
      message: `Project "${created.value.name}" created`,
    });
  });

  app.get('/projects/:id', async (request, reply) => {
    const project = await getProject(ctx.db, projectIdOf(request.params));
    return reply.redirect(projectTabHref(project.id, 'pages'));
  });

  app.get('/projects/:id/edit', async (request, reply) => {
    const project = await getProject(ctx.db, projectIdOf(request.params));
    return sendFragment(
      reply,
      <ProjectForm project={project} values={projectFormValues(project)} />,
    );
  });

  app.patch('/projects/:id', async (request, reply) => {
    const project = await getProject(ctx.db, projectIdOf(request.params));
    const body = formBodyOf(request);
    const values = projectFormValuesOf(body);
    const input = validateForm(updateProjectSchema, projectInputOf(body, 'update'));
    const updated = input.ok
      ? await attempt(
          () => updateProject(ctx, project.id, input.value, actorOf(request, 'ui')),
          'name',
        )
      : input;
    if (!updated.ok) {
      return sendFragment(
        reply,
        <ProjectForm project={project} values={values} errors={updated.errors} />,
        422,
      );
    }
    const back = currentPagePath(request, projectTabHref(project.id, 'pages'));
    return redirectWithToast(request, reply, back, {
      kind: 'success',
      message: `Project "${updated.value.name}" saved`,
    });
  });

  app.delete('/projects/:id', async (request, reply) => {
    const project = await getProject(ctx.db, projectIdOf(request.params));
    await deleteProject(ctx, project.id, actorOf(request, 'ui'));
    return redirectWithToast(request, reply, '/projects', {
      kind: 'success',
      message: `Project "${project.name}" deleted`,
    });
  });
}
