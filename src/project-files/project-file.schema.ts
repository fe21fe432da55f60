import { z } from 'zod';
import { createBatchSchema } from '../batches/batch.schema.ts';
import { createPageSchema } from '../pages/page.schema.ts';
import { createProjectSchema } from '../projects/project.schema.ts';
import { createScheduleSchema } from '../schedules/schedule.schema.ts';
import { settingsSchema } from '../settings/settings.schema.ts';
import { nameSchema } from '../shared/schemas.ts';
import { createTaskSchema } from '../tasks/task.schema.ts';
import { createWebhookSchema } from '../webhooks/webhook.schema.ts';

// The project file (`scene export`, `scene apply`): one project as YAML or JSON. Every entry is
// the API's own create schema, with names where the API takes ids and without secrets, so the
// file, the API and the JSON Schema editors validate against share one definition.

export const projectFileVersion = 1;

/** `${NAME}`: a secret the file never holds, taken from the environment of `scene apply`. */
export const envReferencePattern = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

export const envReferenceSchema = z
  .string()
  .regex(
    envReferencePattern,
    'must be a reference to an environment variable such as ${SHOP_PASSWORD}: secrets are never written in the file',
  );

export const filePageSchema = createPageSchema.extend({
  basicAuth: z
    .strictObject({
      username: createPageSchema.shape.basicAuth.unwrap().shape.username,
      password: envReferenceSchema
        .optional()
        .describe(
          'An environment variable of `scene apply` holding the password; absent: keep the stored one',
        ),
    })
    .optional()
    .describe('HTTP basic-auth credentials; the password only as ${ENV_VAR}'),
});
export type FilePage = z.infer<typeof filePageSchema>;

export const fileTaskSchema = createTaskSchema;
export type FileTask = z.infer<typeof fileTaskSchema>;

export const fileBatchSchema = createBatchSchema.omit({ pageIds: true, taskIds: true }).extend({
  pages: z
    .array(nameSchema)
    .min(1, 'needs at least one page name')
    .max(500)
    .describe('Names of pages of this file'),
  tasks: z.array(nameSchema).max(200).optional().describe('Names of tasks of this file'),
  schedules: z
    .array(createScheduleSchema)
    .max(50)
    .optional()
    .describe("The batch's scheduled runs: the list replaces the batch's schedules"),
});
export type FileBatch = z.infer<typeof fileBatchSchema>;
export type FileSchedule = z.infer<typeof createScheduleSchema>;

export const fileWebhookSchema = createWebhookSchema.describe(
  'Matched by URL; the signing secret is never exported (a new webhook gets a new one)',
);
export type FileWebhook = z.infer<typeof fileWebhookSchema>;

export const fileSettingsSchema = z
  .strictObject(settingsSchema.partial().shape)
  .describe('The settings this project overrides; the others come from the global settings');

export const projectFileSchema = z.strictObject({
  $schema: z.string().optional().describe('The JSON Schema of this file, for editors'),
  version: z.literal(projectFileVersion).describe('The file format version'),
  name: createProjectSchema.shape.name.describe('The project, matched by name'),
  description: createProjectSchema.shape.description,
  settings: fileSettingsSchema.optional(),
  pages: z.array(filePageSchema).optional(),
  tasks: z.array(fileTaskSchema).optional(),
  batches: z.array(fileBatchSchema).optional(),
  webhooks: z.array(fileWebhookSchema).optional(),
});
export type ProjectFile = z.infer<typeof projectFileSchema>;

/** The JSON Schema of the file, published at /api/v1/project-file.schema.json and in schemas/. */
export function projectFileJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(projectFileSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'Scene project file',
  };
}
