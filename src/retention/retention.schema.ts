import { z } from 'zod';
import { runModes, runStatuses } from '../runs/run.schema.ts';

const retentionSettingsSchema = z.object({
  keepDays: z.number().int().optional(),
  keepLastRunsPerBatch: z.number().int().optional(),
});

export const retentionQuerySchema = z.strictObject({
  dryRun: z
    .enum(['true', 'false'])
    .optional()
    .describe('true: list the runs that would go and delete nothing'),
});

export const retentionReportSchema = z.object({
  projectId: z.string(),
  dryRun: z.boolean(),
  retention: retentionSettingsSchema.describe("The project's effective retention settings"),
  runs: z
    .array(
      z.object({
        id: z.string(),
        batchId: z.string(),
        mode: z.enum(runModes),
        status: z.enum(runStatuses),
        createdAt: z.string(),
        reasons: z
          .array(z.enum(['age', 'count']))
          .describe(
            'age: older than keepDays; count: not among the last keepLastRunsPerBatch runs of its batch',
          ),
      }),
    )
    .describe('The ended runs that go (dry run: would go), oldest first'),
  deletedRuns: z.number().int().describe('Runs deleted (0 in a dry run)'),
  bytesFreed: z
    .number()
    .int()
    .describe(
      'Bytes removed from the artifact store (0 in a dry run); images a baseline or another run uses stay',
    ),
});
