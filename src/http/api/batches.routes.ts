import type { AppContext } from '../../app-context.ts';
import { batchSchema, createBatchSchema, updateBatchSchema } from '../../batches/batch.schema.ts';
import {
  createBatch,
  deleteBatch,
  getBatch,
  listBatches,
  updateBatch,
} from '../../batches/batches.service.ts';
import type { ApiApp } from './api-types.ts';
import { registerProjectOwnedRoutes } from './project-owned.routes.ts';

export function registerBatchRoutes(app: ApiApp, ctx: AppContext): void {
  registerProjectOwnedRoutes(app, {
    plural: 'batches',
    singular: 'batch',
    deleteCascades: 'its runs, baselines and their stored files',
    schema: batchSchema,
    createSchema: createBatchSchema,
    updateSchema: updateBatchSchema,
    list: (projectId, request) => listBatches(ctx, projectId, request),
    get: (id) => getBatch(ctx.db, id),
    create: (projectId, input, actor) => createBatch(ctx, projectId, input, actor),
    update: (id, input, actor) => updateBatch(ctx, id, input, actor),
    remove: (id, actor) => deleteBatch(ctx, id, actor),
  });
}
