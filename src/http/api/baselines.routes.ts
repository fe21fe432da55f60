import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { baselineListQuerySchema, baselineSchema } from '../../baselines/baseline.schema.ts';
import {
  baselineHistoryEntrySchema,
  baselineHistoryQuerySchema,
  getCellHistory,
  revertToEntry,
} from '../../baselines/baseline-history.ts';
import { deleteBaseline, getBaseline, listBaselines } from '../../baselines/baselines.service.ts';
import { pageOf } from '../../shared/schemas.ts';
import { actorOf } from '../actor.ts';
import { emptyBodySchema, errorResponses, idParams, type ApiApp } from './api-types.ts';

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

  app.get('/baselines/:id/history', {
    schema: {
      tags,
      summary: 'The images one cell of a baseline has had, newest first',
      description:
        'Each with when, who approved it (absent: a baseline run recorded it) and from which run and execution. The first is the current image (`current: true`). 404 for an unknown baseline or a cell it never had.',
      params: idParams,
      querystring: baselineHistoryQuerySchema,
      response: {
        200: z.object({ items: z.array(baselineHistoryEntrySchema), nextCursor: z.null() }),
        400: errorResponses[400],
        404: errorResponses[404],
      },
    },
    handler: async (request) => ({
      items: await getCellHistory(ctx.db, request.params.id, request.query.matrixKey),
      nextCursor: null,
    }),
  });

  app.post('/baseline-entries/:id/revert', {
    schema: {
      tags,
      summary: 'Make an earlier image of a cell its current image again',
      description:
        'Writes a new entry with that image (the history keeps every step), audited, and emits `baseline.updated`. Reverting to the current image changes nothing (`changed: false`). 409 while a queued or running run uses the baseline.',
      params: idParams,
      body: emptyBodySchema,
      response: {
        200: z.object({
          baseline: baselineSchema,
          entry: baselineHistoryEntrySchema,
          changed: z.boolean(),
        }),
        ...errorResponses,
      },
    },
    handler: async (request) => {
      const { baseline, entry, changed } = await revertToEntry(
        ctx,
        request.params.id,
        actorOf(request),
      );
      return { baseline, entry, changed };
    },
  });
}
