import { Cron } from 'croner';
import { z } from 'zod';
import { branchNameSchema } from '../baselines/branches.ts';
import { runModes } from '../runs/run.schema.ts';

// A schedule launches its batch on a cron expression (croner: 5 fields, or 6 with seconds
// first) in an IANA time zone.

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** Why croner refuses the pattern, or undefined when it takes it. */
export function cronProblem(pattern: string): string | undefined {
  try {
    new Cron(pattern, { paused: true });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export const cronSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200)
  .superRefine((value, ctx) => {
    const problem = cronProblem(value);
    if (problem !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a cron expression such as "0 3 * * *" (5 fields, or 6 with seconds first): ${problem}`,
      });
    }
  })
  .describe('Cron expression: 5 fields, or 6 with seconds first, e.g. "0 3 * * 1-5"');

export const timeZoneSchema = z
  .string()
  .min(1)
  .max(100)
  .refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris or UTC')
  .describe('IANA time zone the cron expression is read in (default UTC)');

const fields = {
  cron: cronSchema,
  timezone: timeZoneSchema,
  mode: z.enum(runModes).describe('The runs it launches; default compare (monitoring)'),
  branch: branchNameSchema.describe('The git branch of the runs it launches (default none)'),
  active: z.boolean().describe('false: the schedule launches nothing (default true)'),
};

export const scheduleSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  batchId: z.string(),
  cron: z.string(),
  timezone: z.string(),
  mode: z.enum(runModes),
  branch: z.string().optional(),
  active: z.boolean(),
  nextFireAt: z
    .string()
    .nullable()
    .describe('When it launches next (UTC); null when inactive or never again'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Schedule = z.infer<typeof scheduleSchema>;

export const createScheduleSchema = z.strictObject({
  cron: fields.cron,
  timezone: fields.timezone.optional(),
  mode: fields.mode.optional(),
  branch: fields.branch.optional(),
  active: fields.active.optional(),
});
export type CreateScheduleInput = z.infer<typeof createScheduleSchema>;

export const updateScheduleSchema = z.strictObject({
  cron: fields.cron.optional(),
  timezone: fields.timezone.optional(),
  mode: fields.mode.optional(),
  branch: fields.branch.nullable().optional().describe('null: runs without a branch'),
  active: fields.active.optional(),
});
export type UpdateScheduleInput = z.infer<typeof updateScheduleSchema>;

export const scheduleFireOutcomes = ['claimed', 'launched', 'skipped', 'failed'] as const;

export const scheduleFireSchema = z.object({
  fireAt: z.string().describe('The fire time (UTC)'),
  outcome: z
    .enum(scheduleFireOutcomes)
    .describe(
      'launched; skipped (the previous scheduled run of the batch was still running); failed (detail says why); claimed: being launched',
    ),
  runId: z.string().optional(),
  detail: z.string().optional(),
  claimedBy: z.string().describe('The Scene process that launched it'),
});
export type ScheduleFire = z.infer<typeof scheduleFireSchema>;

/** The next fire time after `from` (ISO, UTC), or null. */
export function nextFireOf(
  schedule: Pick<Schedule, 'cron' | 'timezone' | 'active'>,
  from: Date = new Date(),
): string | null {
  if (!schedule.active) return null;
  const next = new Cron(schedule.cron, { timezone: schedule.timezone, paused: true }).nextRun(from);
  return next ? next.toISOString() : null;
}
