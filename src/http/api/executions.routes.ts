import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { baselineSchema } from '../../baselines/baseline.schema.ts';
import { promoteToBaseline } from '../../baselines/promote.ts';
import { cancelExecution } from '../../runs/cancel.ts';
import { rejectExecution } from '../../runs/reject.ts';
import { retryExecution } from '../../runs/retry.ts';
import { executionSchema } from '../../runs/run.schema.ts';
import { getExecution } from '../../runs/runs.service.ts';
import { actorOf } from '../actor.ts';
import { emptyBodySchema, errorResponses, idParams, type ApiApp } from './api-types.ts';

export function registerExecutionRoutes(app: ApiApp, ctx: AppContext): void {
  const tags = ['executions'];

  app.get('/executions/:id', {
    schema: {
      tags,
      summary: 'Get an execution: status, diff and artifact URLs',
      params: idParams,
      response: { 200: executionSchema, 404: errorResponses[404] },
    },
    handler: (request) => getExecution(ctx.db, request.params.id),
  });

  app.post('/executions/:id/cancel', {
    schema: {
      tags,
      summary: 'Cancel one execution (reason "user")',
      params: idParams,
      body: emptyBodySchema,
      response: { 200: executionSchema, ...errorResponses },
    },
    handler: async (request) => {
      await cancelExecution(ctx, request.params.id, 'user', actorOf(request));
      return getExecution(ctx.db, request.params.id);
    },
  });

  app.post('/executions/:id/retry', {
    schema: {
      tags,
      summary: 'Re-run one failed or cancelled execution',
      params: idParams,
      body: emptyBodySchema,
      response: { 200: executionSchema, ...errorResponses },
    },
    handler: async (request) => {
      await retryExecution(ctx, request.params.id, actorOf(request));
      return getExecution(ctx.db, request.params.id);
    },
  });

  app.post('/executions/:id/reject', {
    schema: {
      tags,
      summary: 'Reject the change a finished compare execution found',
      description:
        'Sets `review` to rejected (with who and when): the change is a bug, not the new look. The baseline is not touched. 422 for baseline-run or unfinished executions.',
      params: idParams,
      body: emptyBodySchema,
      response: { 200: executionSchema, ...errorResponses },
    },
    handler: async (request) => {
      await rejectExecution(ctx, request.params.id, actorOf(request));
      return getExecution(ctx.db, request.params.id);
    },
  });

  app.post('/executions/:id/approve', {
    schema: {
      tags,
      summary: 'Approve: promote the screenshot of a finished compare execution into the baseline',
      description:
        'The image replaces the cell’s baseline image (the previous one is kept as history). Approving again changes nothing. On a branch, only that branch’s baseline changes: its first approval creates it as a copy of the baseline the run compared against (the response’s `baseline`). 422 for baseline-run, unfinished or baseline-less executions.',
      params: idParams,
      body: emptyBodySchema,
      response: {
        200: z.object({
          execution: executionSchema,
          baseline: baselineSchema,
          previousEntryId: z.string().nullable(),
          changed: z.boolean(),
        }),
        ...errorResponses,
      },
    },
    handler: async (request) => {
      const promotion = await promoteToBaseline(ctx, request.params.id, actorOf(request));
      return {
        execution: await getExecution(ctx.db, request.params.id),
        baseline: promotion.baseline,
        previousEntryId: promotion.previousEntryId,
        changed: promotion.changed,
      };
    },
  });
}
