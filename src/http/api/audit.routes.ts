import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { listAudit } from '../../audit/audit.service.ts';
import { listQuerySchema, pageOf } from '../../shared/schemas.ts';
import { errorResponses, type ApiApp } from './api-types.ts';

const auditEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.string(),
  action: z.enum(['create', 'update', 'delete', 'login', 'login_failed', 'logout', 'revoke']),
  entityType: z.string(),
  entityId: z.string(),
  projectId: z.string().nullable(),
  changes: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })),
});

const auditQuerySchema = listQuerySchema.extend({
  projectId: z.string().max(64).optional(),
  entityType: z
    .enum([
      'project',
      'page',
      'task',
      'batch',
      'settings',
      'run',
      'execution',
      'baseline',
      'webhook',
      'user',
      'token',
      'membership',
    ])
    .optional(),
  entityId: z.string().max(64).optional(),
  since: z.iso
    .datetime({ message: 'must be an ISO-8601 UTC time, e.g. 2026-01-31T00:00:00Z' })
    .optional(),
  until: z.iso
    .datetime({ message: 'must be an ISO-8601 UTC time, e.g. 2026-01-31T00:00:00Z' })
    .optional(),
});

export function registerAuditRoutes(app: ApiApp, ctx: AppContext): void {
  app.get('/audit', {
    schema: {
      tags: ['audit'],
      summary: 'The audit log, newest first',
      querystring: auditQuerySchema,
      response: { 200: pageOf(auditEntrySchema), 400: errorResponses[400] },
    },
    handler: (request) => {
      const { since, until, ...rest } = request.query;
      return listAudit(ctx.db, {
        ...rest,
        since: since && new Date(since).toISOString(),
        until: until && new Date(until).toISOString(),
      });
    },
  });
}
