import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import type { BackstopConfig } from '../../imports/backstop.ts';
import { importBackstop } from '../../imports/import-backstop.ts';
import { importStorybook } from '../../imports/import-storybook.ts';
import { httpUrlSchema, nameSchema } from '../../shared/schemas.ts';
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

export const storybookReportSchema = z.object({
  stories: z.number().int().describe('Stories in the index (docs entries not counted)'),
  added: z.array(z.string()).describe('Pages created for new stories'),
  updated: z
    .array(z.string())
    .describe('Story pages that differed from their story (edited by hand) and were reset to it'),
  removed: z
    .array(z.string())
    .describe('Pages deleted: their stories are gone from the Storybook or filtered out'),
  kept: z
    .array(z.string())
    .describe('Pages of the storybook batch that are not stories (added by hand): kept, untouched'),
  skipped: z
    .array(z.object({ entry: z.string(), reason: z.string() }))
    .describe('Index entries that did not become pages (docs entries, tag filters)'),
});

const tagListSchema = z.array(z.string().trim().min(1).max(200)).max(100);

export const storybookImportBodySchema = z.strictObject({
  url: httpUrlSchema.describe(
    'The Storybook (its root, index.html or iframe.html); Scene reads its index.json (Storybook 7+) or stories.json (6)',
  ),
  project: nameSchema.optional().describe('The project (created if missing); default storybook'),
  includeTags: tagListSchema.optional().describe('Import only stories with one of these tags'),
  excludeTags: tagListSchema.optional().describe('Skip stories with one of these tags'),
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

  app.post('/imports/storybook', {
    schema: {
      tags: ['imports'],
      summary: 'Import a Storybook: a page per story and the batch storybook of them',
      description:
        "Reads the Storybook's index; each story becomes a page showing it alone (iframe.html?id=…&viewMode=story, named 'Title / Story') that waits for Storybook's render to complete. Docs entries are skipped, tag filters applied. Re-importing adds new stories, resets story pages edited by hand and deletes the pages of vanished ones; pages added to the batch by hand stay in it. The report lists each and what it skipped.",
      body: storybookImportBodySchema,
      response: {
        200: applyResultSchema.extend({ report: storybookReportSchema }),
        ...errorResponses,
      },
    },
    handler: (request) =>
      importStorybook(
        ctx,
        request.body.url,
        {
          projectName: request.body.project,
          filter: {
            includeTags: request.body.includeTags ?? [],
            excludeTags: request.body.excludeTags ?? [],
          },
        },
        actorOf(request),
      ),
  });
}
