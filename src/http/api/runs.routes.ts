import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import {
  approveRun,
  approveRunSchema,
  undoLastBulkApproval,
} from '../../baselines/bulk-approve.ts';
import { cancelRun } from '../../runs/cancel.ts';
import { launchRun } from '../../runs/launch-run.ts';
import { retryRun } from '../../runs/retry.ts';
import {
  executionSchema,
  launchRunSchema,
  runListQuerySchema,
  runLogLineSchema,
  runSchema,
} from '../../runs/run.schema.ts';
import { deleteRun, getRun, getRunLog, listExecutions, listRuns } from '../../runs/runs.service.ts';
import { idSchema, pageOf } from '../../shared/schemas.ts';
import { actorOf } from '../actor.ts';
import { emptyBodySchema, errorResponses, idParams, type ApiApp } from './api-types.ts';

const runLogQuerySchema = z.strictObject({
  cursor: z.string().max(20).optional().describe('pass back nextCursor to continue'),
  limit: z.coerce.number().int().min(1).max(5000).optional(),
  executionId: idSchema.optional().describe('only the lines of this execution'),
});

export function registerRunRoutes(app: ApiApp, ctx: AppContext): void {
  const tags = ['runs'];

  app.post('/batches/:id/runs', {
    schema: {
      tags,
      summary: 'Launch a run of a batch',
      description:
        'mode "baseline" records a new baseline (of `branch`, when given); mode "compare" compares against `baselineId` (a full id or a unique prefix) or, without it, the latest baseline of `branch`, else of `baseBranch` (default main; a run without `branch` is on its base branch, whose baselines include those recorded without a branch). The run’s `baselineReason` says which and why. 400 for branch names git would refuse; 422 when the baseline is unknown, ambiguous (with the candidates) or missing.',
      params: idParams,
      body: launchRunSchema,
      response: { 201: runSchema, ...errorResponses },
    },
    handler: async (request, reply) =>
      reply
        .status(201)
        .send(await launchRun(ctx, request.params.id, request.body, actorOf(request))),
  });

  app.get('/runs', {
    schema: {
      tags,
      summary: 'List runs, newest first',
      querystring: runListQuerySchema,
      response: { 200: pageOf(runSchema), 400: errorResponses[400] },
    },
    handler: (request) => listRuns(ctx, request.query),
  });

  app.get('/runs/:id', {
    schema: {
      tags,
      summary: 'Get a run with its summary',
      params: idParams,
      response: { 200: runSchema, 404: errorResponses[404] },
    },
    handler: (request) => getRun(ctx.db, request.params.id),
  });

  app.delete('/runs/:id', {
    schema: {
      tags,
      summary: 'Delete an ended run with its executions, log and artifacts',
      description:
        'Images a baseline still uses are kept. 409 while the run is queued or running: cancel it first.',
      params: idParams,
      response: { 204: z.null().describe('Deleted'), ...errorResponses },
    },
    handler: async (request, reply) => {
      await deleteRun(ctx, request.params.id, actorOf(request));
      return reply.status(204).send(null);
    },
  });

  app.post('/runs/:id/cancel', {
    schema: {
      tags,
      summary: 'Cancel a run (reason "user")',
      description:
        'Queued executions are dropped and running captures aborted within 2 s. 409 when the run has already ended.',
      params: idParams,
      body: emptyBodySchema,
      response: { 200: runSchema, ...errorResponses },
    },
    handler: async (request) => {
      await cancelRun(ctx, request.params.id, 'user', actorOf(request));
      return getRun(ctx.db, request.params.id);
    },
  });

  app.post('/runs/:id/retry', {
    schema: {
      tags,
      summary: 'Re-run the failed and cancelled executions of an ended run',
      description: 'Against the same baseline. 409 while the run is active or when nothing failed.',
      params: idParams,
      body: emptyBodySchema,
      response: { 200: runSchema, ...errorResponses },
    },
    handler: async (request) => {
      await retryRun(ctx, request.params.id, actorOf(request));
      return getRun(ctx.db, request.params.id);
    },
  });

  app.post('/runs/:id/approve', {
    schema: {
      tags,
      summary: 'Approve many executions of a compare run at once',
      description:
        'In one transaction: every change (major, minor and new cells) by default, or the finished executions with the given `levels` ("major", "minor", "none", "new"), or the given `executionIds` (both: those of the ids with those levels). Each cell is approved as `POST /executions/{id}/approve` would: one audit entry and one `baseline.updated` event per cell, review status approved. `approved`: how many cells’ baseline image changed. Undo with `POST /runs/{id}/approve/undo`. 422 for a baseline run, ids not of this run or not finished.',
      params: idParams,
      body: approveRunSchema.nullish(),
      response: {
        200: z.object({
          approved: z.number().int(),
          bulkApprovalId: z.string().optional(),
        }),
        ...errorResponses,
      },
    },
    handler: (request) => approveRun(ctx, request.params.id, request.body ?? {}, actorOf(request)),
  });

  app.post('/runs/:id/approve/undo', {
    schema: {
      tags,
      summary: 'Undo the run’s last bulk approval',
      description:
        'Each cell it changed gets its previous baseline image back (a new page’s image is taken out) and its execution its previous review status, unless the cell changed again since (then it is left alone and counted in `skipped`). One audit entry and one `baseline.updated` event per cell. 409 when there is no bulk approval to undo (none, or the last one was undone).',
      params: idParams,
      body: emptyBodySchema,
      response: {
        200: z.object({ undone: z.number().int(), skipped: z.number().int() }),
        ...errorResponses,
      },
    },
    handler: (request) => undoLastBulkApproval(ctx, request.params.id, actorOf(request)),
  });

  app.get('/runs/:id/executions', {
    schema: {
      tags,
      summary: 'The executions of a run, in matrix order',
      description: 'All of them in one page (a run is bounded by its batch): nextCursor is null.',
      params: idParams,
      response: { 200: pageOf(executionSchema), 404: errorResponses[404] },
    },
    handler: async (request) => ({
      items: await listExecutions(ctx.db, request.params.id),
      nextCursor: null,
    }),
  });

  app.get('/runs/:id/log', {
    schema: {
      tags,
      summary: 'The run log, oldest first',
      description:
        'queued / started / step / retry / failure / finished / cancelled lines. Page with `cursor`.',
      params: idParams,
      querystring: runLogQuerySchema,
      response: {
        200: pageOf(runLogLineSchema),
        400: errorResponses[400],
        404: errorResponses[404],
      },
    },
    handler: (request) => getRunLog(ctx.db, request.params.id, request.query),
  });
}
