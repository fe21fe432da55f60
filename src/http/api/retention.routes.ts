import type { AppContext } from '../../app-context.ts';
import { retentionQuerySchema, retentionReportSchema } from '../../retention/retention.schema.ts';
import { runRetention } from '../../retention/retention.service.ts';
import { actorOf } from '../actor.ts';
import { emptyBodySchema, errorResponses, idParams, type ApiApp } from './api-types.ts';

export function registerRetentionRoutes(app: ApiApp, ctx: AppContext): void {
  app.post('/projects/:id/retention/run', {
    schema: {
      tags: ['retention'],
      summary: "Apply the project's retention settings now (dryRun=true: only list what would go)",
      description:
        'Deletes the ended runs that no retention rule (settings `retention`: keepDays, keepLastRunsPerBatch) keeps, as DELETE /runs/{id} does: queued and running runs are never touched, and images a baseline uses stay. Nothing happens while retention is off.',
      params: idParams,
      querystring: retentionQuerySchema,
      body: emptyBodySchema,
      response: { 200: retentionReportSchema, ...errorResponses },
    },
    handler: (request) =>
      runRetention(ctx, request.params.id, {
        dryRun: request.query.dryRun === 'true',
        actor: actorOf(request),
      }),
  });
}
