import type { AppContext } from '../../../app-context.ts';
import { getProject } from '../../../projects/projects.service.ts';
import { createTaskSchema, updateTaskSchema } from '../../../tasks/task.schema.ts';
import {
  createTask,
  deleteTask,
  getTask,
  listTasks,
  updateTask,
} from '../../../tasks/tasks.service.ts';
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
import { TaskForm, taskFormValues, taskFormValuesOf, taskInputOf } from './task-form.tsx';
import { TasksPanel } from './tasks-panel.tsx';

export function registerTaskScreens(app: UiApp, ctx: AppContext): void {
  const panel = async (projectId: string) => (
    <TasksPanel
      projectId={projectId}
      tasks={(await listTasks(ctx, projectId, { limit: 200 })).items}
    />
  );

  app.get('/projects/:id/tasks', async (request, reply) => {
    const project = await getProject(ctx.db, idParamOf(request.params));
    const page = await pageContextOf(request, reply, ctx);
    return sendPage(
      reply,
      <ProjectShell project={project} tab="tasks" page={page}>
        {await panel(project.id)}
      </ProjectShell>,
    );
  });

  app.get('/projects/:id/tasks/new', async (request, reply) => {
    const project = await getProject(ctx.db, idParamOf(request.params));
    return sendFragment(reply, <TaskForm projectId={project.id} values={taskFormValues()} />);
  });

  app.post('/projects/:id/tasks', async (request, reply) => {
    const project = await getProject(ctx.db, idParamOf(request.params));
    const body = formBodyOf(request);
    const input = validateForm(createTaskSchema, taskInputOf(body, 'create'));
    const created = input.ok
      ? await attempt(
          () => createTask(ctx, project.id, input.value, actorOf(request, 'ui')),
          'name',
        )
      : input;
    if (!created.ok) {
      return sendFragment(
        reply,
        <TaskForm projectId={project.id} values={taskFormValuesOf(body)} errors={created.errors} />,
        422,
      );
    }
    closeModal(reply);
    showToast(reply, { kind: 'success', message: `Task "${created.value.name}" created` });
    return sendPartials(reply, [{ id: 'tasks-panel', html: panel(project.id) }]);
  });

  app.get('/tasks/:id/edit', async (request, reply) => {
    const task = await getTask(ctx.db, idParamOf(request.params));
    return sendFragment(
      reply,
      <TaskForm projectId={task.projectId} task={task} values={taskFormValues(task)} />,
    );
  });

  app.patch('/tasks/:id', async (request, reply) => {
    const task = await getTask(ctx.db, idParamOf(request.params));
    const body = formBodyOf(request);
    const input = validateForm(updateTaskSchema, taskInputOf(body, 'update'));
    const updated = input.ok
      ? await attempt(() => updateTask(ctx, task.id, input.value, actorOf(request, 'ui')), 'name')
      : input;
    if (!updated.ok) {
      return sendFragment(
        reply,
        <TaskForm
          projectId={task.projectId}
          task={task}
          values={taskFormValuesOf(body)}
          errors={updated.errors}
        />,
        422,
      );
    }
    closeModal(reply);
    showToast(reply, { kind: 'success', message: `Task "${updated.value.name}" saved` });
    return sendPartials(reply, [{ id: 'tasks-panel', html: panel(task.projectId) }]);
  });

  app.delete('/tasks/:id', async (request, reply) => {
    const task = await getTask(ctx.db, idParamOf(request.params));
    await deleteTask(ctx, task.id, actorOf(request, 'ui'));
    showToast(reply, { kind: 'success', message: `Task "${task.name}" deleted` });
    return sendPartials(reply, [{ id: 'tasks-panel', html: panel(task.projectId) }]);
  });
}
