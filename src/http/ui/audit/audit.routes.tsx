import { visibleProjectIds } from '../../../auth/principal.ts';
import { z } from 'zod';
import type { AppContext } from '../../../app-context.ts';
import { listAudit } from '../../../audit/audit.service.ts';
import { listProjects } from '../../../projects/projects.service.ts';
import { idSchema, listQuerySchema } from '../../../shared/schemas.ts';
import { pageContextOf } from '../layout/page-context.ts';
import { parseQuery } from '../shared/attempt.ts';
import { sendPage } from '../shared/html-response.ts';
import type { UiApp } from '../shared/ui-types.ts';
import { AuditPage, auditEntityTypes } from './audit-page.tsx';

const blank = (value: unknown) => (value === '' ? undefined : value);
const day = z.preprocess(
  blank,
  z.iso.date({ message: 'must be a date, e.g. 2026-01-31' }).optional(),
);

const auditFiltersSchema = listQuerySchema.extend({
  projectId: z.preprocess(blank, idSchema.optional()),
  entityType: z.preprocess(blank, z.enum(auditEntityTypes).optional()),
  entityId: z.preprocess(blank, z.string().trim().max(64).optional()),
  since: day,
  until: day,
});

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString();
}

export function registerAuditScreens(app: UiApp, ctx: AppContext): void {
  app.get('/audit', async (request, reply) => {
    const filters = parseQuery(auditFiltersSchema, request.query);
    const projectIds = visibleProjectIds(request.principal);
    const [entries, projects] = await Promise.all([
      listAudit(ctx.db, {
        projectIds,
        cursor: filters.cursor,
        limit: 50,
        projectId: filters.projectId,
        entityType: filters.entityType,
        entityId: filters.entityId,
        since: filters.since && `${filters.since}T00:00:00.000Z`,
        until: filters.until && nextDay(filters.until),
      }),
      listProjects(ctx, { limit: 200, projectIds }),
    ]);
    const page = await pageContextOf(request, reply, ctx);
    const { cursor, limit: _limit, ...shown } = filters;
    return sendPage(
      reply,
      <AuditPage
        page={page}
        entries={entries}
        projects={projects.items}
        filters={shown}
        cursor={cursor}
      />,
    );
  });
}
