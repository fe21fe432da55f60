import type { AppContext } from '../../app-context.ts';
import { createTaskSchema, taskSchema, updateTaskSchema } from '../../tasks/task.schema.ts';
import {
  createTask,
  deleteTask,
  getTask,
  listTasks,
  updateTask,
} from '../../tasks/tasks.service.ts';
import type { ApiApp } from './api-types.ts';
import { registerProjectOwnedRoutes } from './project-owned.routes.ts';

export function registerTaskRoutes(app: ApiApp, ctx: AppContext): void {
  registerProjectOwnedRoutes(app, {
    plural: 'tasks',
    singular: 'task',
    schema: taskSchema,
    createSchema: createTaskSchema,
    updateSchema: updateTaskSchema,
    deleteConflict: 'The task is used by batches (named in the message and details)',
    list: (projectId, request) => listTasks(ctx, projectId, request),
    get: (id) => getTask(ctx.db, id),
    create: (projectId, input, actor) => createTask(ctx, projectId, input, actor),
    update: (id, input, actor) => updateTask(ctx, id, input, actor),
    remove: (id, actor) => deleteTask(ctx, id, actor),
  });
}
