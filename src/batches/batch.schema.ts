import { z } from 'zod';
import { defaultFrozenTime } from '../capture/determinism-defaults.ts';
import type { EnvironmentDriftPolicy } from '../shared/domain.ts';
import { idSchema, nameSchema } from '../shared/schemas.ts';

export const environmentDriftPolicies = [
  'fail',
  'warn',
  'ignore',
] as const satisfies readonly EnvironmentDriftPolicy[];
export const defaultEnvironmentDriftPolicy: EnvironmentDriftPolicy = 'warn';

export const defaultDiffThreshold = 0.1;

const percentSchema = z
  .number()
  .min(0, 'must be a percentage between 0 and 100')
  .max(100, 'must be a percentage between 0 and 100');

export const jiraIssueSchema = z
  .string()
  .max(100, 'must be at most 100 characters')
  .regex(/^[A-Z][A-Z0-9_]*-[1-9][0-9]*$/, 'must be a JIRA issue key such as ABC-123');

function noDuplicates(what: string) {
  return (ids: string[], ctx: z.RefinementCtx) => {
    const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
    if (dupes.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `lists ${what} more than once: ${[...new Set(dupes)].join(', ')}`,
      });
    }
  };
}

const fields = {
  name: nameSchema,
  pageIds: z
    .array(idSchema)
    .min(1, 'needs at least one page id')
    .max(500)
    .superRefine(noDuplicates('a page')),
  taskIds: z
    .array(idSchema)
    .max(200)
    .superRefine(noDuplicates('a task'))
    .describe('Tasks run on every page; empty: pages are captured as loaded'),
  browsers: z
    .array(z.string().min(1).max(50))
    .min(1, 'needs at least one browser')
    .max(10)
    .superRefine(noDuplicates('a browser'))
    .describe('Browser names from the settings'),
  viewports: z
    .array(z.string().min(1).max(50))
    .min(1, 'needs at least one viewport')
    .max(50)
    .superRefine(noDuplicates('a viewport'))
    .describe('Viewport names from the settings'),
  jiraIssue: jiraIssueSchema,
  executionDiffThreshold: percentSchema.describe(
    'Percent of differing pixels above which an execution is a major change (default 0.1)',
  ),
  runDiffThreshold: percentSchema.describe(
    'Percent of differing pixels above which the run is a major change (default 0.1)',
  ),
  freezeTime: z
    .boolean()
    .describe(
      'Freeze time in every page of the batch (clock, animated images, SVG animations, video/audio); false: all its pages run in real time. Default true',
    ),
  seedRandom: z
    .boolean()
    .describe('Seed Math.random and crypto.getRandomValues in its pages; default true'),
  recordVideo: z
    .boolean()
    .describe(
      "Record a WebM video of each execution (Chromium, encoded by the machine's ffmpeg), shown in the viewer; default false",
    ),
  frozenTime: z.iso
    .datetime({
      offset: true,
      message: 'must be an ISO-8601 date and time, e.g. 2025-01-01T12:00:00Z',
    })
    .describe(`The instant frozen pages see as now (default ${defaultFrozenTime})`),
  onEnvironmentDrift: z
    .enum(environmentDriftPolicies)
    .describe(
      'When a compare’s rendering environment (browser version, OS, fonts, pixel ratio, Scene, capture flags) differs from its baseline image’s: fail the cell, warn (default), or ignore',
    ),
  ignoreMoves: z
    .boolean()
    .describe(
      'Grade compare executions by changedPercent (pixels changed beyond what merely moved: an inserted banner counts, the content it pushed down does not) instead of diffPercent; the moves are still listed. Default false',
    ),
};

export const batchSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  name: z.string(),
  pageIds: z.array(z.string()),
  taskIds: z.array(z.string()),
  browsers: z.array(z.string()),
  viewports: z.array(z.string()),
  jiraIssue: z.string().optional(),
  executionDiffThreshold: z.number(),
  runDiffThreshold: z.number(),
  freezeTime: z.boolean(),
  seedRandom: z.boolean(),
  recordVideo: fields.recordVideo,
  frozenTime: z
    .string()
    .optional()
    .describe(`The instant frozen pages see as now; absent: ${defaultFrozenTime}`),
  onEnvironmentDrift: fields.onEnvironmentDrift,
  ignoreMoves: fields.ignoreMoves,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Batch = z.infer<typeof batchSchema>;

export const createBatchSchema = z.strictObject({
  name: fields.name,
  pageIds: fields.pageIds,
  taskIds: fields.taskIds.optional(),
  browsers: fields.browsers,
  viewports: fields.viewports,
  jiraIssue: fields.jiraIssue.optional(),
  executionDiffThreshold: fields.executionDiffThreshold.optional(),
  runDiffThreshold: fields.runDiffThreshold.optional(),
  freezeTime: fields.freezeTime.optional(),
  seedRandom: fields.seedRandom.optional(),
  frozenTime: fields.frozenTime.optional(),
  onEnvironmentDrift: fields.onEnvironmentDrift.optional(),
  ignoreMoves: fields.ignoreMoves.optional(),
  recordVideo: fields.recordVideo.optional(),
});
export type CreateBatchInput = z.infer<typeof createBatchSchema>;

export const updateBatchSchema = z.strictObject({
  name: fields.name.optional(),
  pageIds: fields.pageIds.optional(),
  taskIds: fields.taskIds.optional(),
  browsers: fields.browsers.optional(),
  viewports: fields.viewports.optional(),
  jiraIssue: fields.jiraIssue.nullable().optional().describe('null removes the issue key'),
  executionDiffThreshold: fields.executionDiffThreshold.optional(),
  runDiffThreshold: fields.runDiffThreshold.optional(),
  freezeTime: fields.freezeTime.optional(),
  seedRandom: fields.seedRandom.optional(),
  frozenTime: fields.frozenTime.nullable().optional().describe('null: back to the default instant'),
  onEnvironmentDrift: fields.onEnvironmentDrift.optional(),
  ignoreMoves: fields.ignoreMoves.optional(),
  recordVideo: fields.recordVideo.optional(),
});
export type UpdateBatchInput = z.infer<typeof updateBatchSchema>;
