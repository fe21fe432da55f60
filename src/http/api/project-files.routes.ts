import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { applyProjectFile } from '../../project-files/apply-project.ts';
import { exportProject, projectFileSchemaPath } from '../../project-files/export-project.ts';
import { projectFileJsonSchema } from '../../project-files/project-file.schema.ts';
import { nameSchema } from '../../shared/schemas.ts';
import { actorOf } from '../actor.ts';
import { errorResponses, idParams, type ApiApp } from './api-types.ts';

const plannedChangeSchema = z.object({
  action: z.enum(['create', 'update', 'delete']),
  entity: z.enum(['project', 'settings', 'page', 'task', 'batch', 'webhook', 'schedule']),
  name: z.string().describe("The entity's name (a webhook's URL, a schedule's cron)"),
  fields: z.array(z.string()).optional().describe('For updates: the fields that change'),
});

export const applyResultSchema = z.object({
  project: z.object({
    id: z.string().nullable().describe('null on a dry run that would create the project'),
    name: z.string(),
  }),
  dryRun: z.boolean(),
  changes: z
    .array(plannedChangeSchema)
    .describe('What was changed (or, on a dry run, would be); empty: the file is applied'),
});

export const applyBodySchema = z.strictObject({
  file: z
    .string()
    .min(1, 'must not be empty')
    .max(5_000_000, 'must be at most 5 MB')
    .describe('The project file, YAML or JSON'),
  fileName: nameSchema
    .optional()
    .describe('The file name errors give with the line (default scene.yaml)'),
  dryRun: z.boolean().optional().describe('Only plan: nothing is changed'),
  prune: z
    .boolean()
    .optional()
    .describe('Delete what the file does not have (refused for entities runs in flight use)'),
  environment: z
    .record(z.string().max(200), z.string().max(1000))
    .optional()
    .describe(
      'Values of the ${NAME} references of the file (basic-auth passwords); never stored as such',
    ),
});

export function registerProjectFileRoutes(app: ApiApp, ctx: AppContext): void {
  const tags = ['project files'];

  app.get(projectFileSchemaPath.replace('/api/v1', ''), {
    schema: {
      tags,
      summary: 'The JSON Schema of the project file (scene export / scene apply)',
      response: { 200: z.record(z.string(), z.unknown()) },
    },
    handler: () => projectFileJsonSchema(),
  });

  app.get('/projects/:id/export', {
    schema: {
      tags,
      summary: 'The project as a project file (YAML by default); secrets only as ${ENV_VAR}',
      params: idParams,
      querystring: z.strictObject({ format: z.enum(['yaml', 'json']).default('yaml') }),
      response: { 200: z.unknown().describe('The file'), 404: errorResponses[404] },
    },
    handler: async (request, reply) => {
      const { format } = request.query;
      const text = await exportProject(ctx.db, request.params.id, format);
      return reply
        .header(
          'content-type',
          format === 'json' ? 'application/json; charset=utf-8' : 'application/yaml; charset=utf-8',
        )
        .send(text);
    },
  });

  app.post('/projects/apply', {
    bodyLimit: 6 * 1024 * 1024,
    schema: {
      tags,
      summary: 'Create or update a project from a project file, all or nothing',
      description:
        'Matches the project and its pages, tasks and batches by name, webhooks by URL. Only what differs is written: applying the same file again changes nothing. Errors name the file and line (details.problems).',
      body: applyBodySchema,
      response: { 200: applyResultSchema, ...errorResponses },
    },
    handler: (request) =>
      applyProjectFile(
        ctx,
        request.body.file,
        {
          fileName: request.body.fileName ?? 'scene.yaml',
          dryRun: request.body.dryRun ?? false,
          prune: request.body.prune ?? false,
          environment: request.body.environment ?? {},
        },
        actorOf(request),
      ),
  });
}
