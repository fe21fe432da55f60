import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { baselineListQuerySchema, baselineSchema } from '../../baselines/baseline.schema.ts';
import { deleteBaseline, getBaseline, listBaselines } from '../../baselines/baselines.service.ts';
import { pageOf } from '../../shared/schemas.ts';
import { actorOf } from '../actor.ts';
import { errorResponses, idParams, type ApiApp } from './api-types.ts';

export function registerBaselineRoutes(app: ApiApp, ctx: AppContext): void {
  const tags = ['baselines'];

  app.get('/baselines', {
    schema: {
      tags,
      summary: 'List baselines, newest first',
      querystring: baselineListQuerySchema,
      response: { 200: pageOf(baselineSchema), 400: errorResponses[400] },
    },
    handler: (request) => listBaselines(ctx, request.query),
  });

  app.get('/baselines/:id', {
    schema: {
      tags,
      summary: 'Get a baseline',
      params: idParams,
      response: { 200: baselineSchema, 404: errorResponses[404] },
    },
    handler: (request) => getBaseline(ctx.db, request.params.id),
  });

  app.delete('/baselines/:id', {
    schema: {
      tags,
      summary: 'Delete a baseline and the images only it kept',
      description: '409 while a queued or running run uses it.',
      params: idParams,
      response: { 204: z.null().describe('Deleted'), ...errorResponses },
    },
    handler: async (request, reply) => {
      await deleteBaseline(ctx, request.params.id, actorOf(request));
      return reply.status(204).send(null);
    },
  });
}
