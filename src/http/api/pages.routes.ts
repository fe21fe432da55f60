import type { AppContext } from '../../app-context.ts';
import { createPageSchema, pageSchema, updatePageSchema } from '../../pages/page.schema.ts';
import {
  createPage,
  deletePage,
  getPage,
  listPages,
  updatePage,
} from '../../pages/pages.service.ts';
import type { ApiApp } from './api-types.ts';
import { registerProjectOwnedRoutes } from './project-owned.routes.ts';

export function registerPageRoutes(app: ApiApp, ctx: AppContext): void {
  registerProjectOwnedRoutes(app, {
    plural: 'pages',
    singular: 'page',
    schema: pageSchema,
    createSchema: createPageSchema,
    updateSchema: updatePageSchema,
    deleteConflict: 'The page is used by batches (named in the message and details)',
    list: (projectId, request) => listPages(ctx, projectId, request),
    get: (id) => getPage(ctx.db, id),
    create: (projectId, input, actor) => createPage(ctx, projectId, input, actor),
    update: (id, input, actor) => updatePage(ctx, id, input, actor),
    remove: (id, actor) => deletePage(ctx, id, actor),
  });
}
