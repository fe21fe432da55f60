import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import type { BackstopConfig } from '../../imports/backstop.ts';
import { importBackstop } from '../../imports/import-backstop.ts';
import { nameSchema } from '../../shared/schemas.ts';
import { actorOf } from '../actor.ts';
import { errorResponses, type ApiApp } from './api-types.ts';
import { applyResultSchema } from './project-files.routes.ts';

export const importReportSchema = z.object({
  mapped: z.array(
    z.object({ scenario: z.string(), page: z.string(), fields: z.array(z.string()) }),
  ),
  notMapped: z.array(
    z.object({ scenario: z.string().optional(), field: z.string(), reason: z.string() }),
  ),
  viewportsAdded: z.array(z.string()),
});

export const backstopImportBodySchema = z.strictObject({
  config: z
    .object({ scenarios: z.array(z.record(z.string(), z.unknown())).min(1).max(2000) })
    .passthrough()
    .describe('The backstop.json, as JSON'),
  project: nameSchema
    .optional()
    .describe("The project (created if missing); default the config's id, else backstop"),
  cookies: z
    .record(z.string().max(1000), z.string().max(1_000_000))
    .optional()
    .describe('The contents of the cookie files the scenarios name (cookiePath → JSON)'),
});

export function registerImportRoutes(app: ApiApp, ctx: AppContext): void {
  app.post('/imports/backstop', {
    bodyLimit: 6 * 1024 * 1024,
    schema: {
      tags: ['imports'],
      summary: 'Import a BackstopJS configuration: a page per scenario and a batch of them',
      description:
        'Maps url, referenceUrl, label, hideSelectors, removeSelectors, delay, readySelector, click/hover/keyPress/scrollTo selectors, postInteractionWait, cookiePath, viewports and misMatchThreshold; the report lists what did not map and why (onReadyScript/onBeforeScript are Node scripts).',
      body: backstopImportBodySchema,
      response: {
        200: applyResultSchema.extend({ report: importReportSchema }),
        ...errorResponses,
      },
    },
    handler: (request) =>
      importBackstop(
        ctx,
        request.body.config as BackstopConfig,
        { projectName: request.body.project, cookies: request.body.cookies ?? {} },
        actorOf(request),
      ),
  });
}
