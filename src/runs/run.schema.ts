import { z } from 'zod';
import type {
  CancelReason,
  DiffLevel,
  EnvironmentDrift,
  ExecutionEnvironment,
  RunMode,
  RunStatus,
} from '../shared/domain.ts';
import { jiraIssueSchema } from '../batches/batch.schema.ts';
import { branchNameSchema, commitShaSchema } from '../baselines/branches.ts';
import { idSchema, listQuerySchema, rectSchema } from '../shared/schemas.ts';
import type { Change } from '../diff/explain/explain-changes.ts';

export const runStatuses = ['queued', 'running', 'finished', 'failed', 'cancelled'] as const;
export const terminalStatuses = ['finished', 'failed', 'cancelled'] as const;
export const runModes = ['baseline', 'compare', 'reference'] as const;
export const cancelReasons = ['user', 'timeout', 'shutdown'] as const;
export const diffLevels = ['none', 'minor', 'major'] as const;

export function isTerminal(status: RunStatus): boolean {
  return (terminalStatuses as readonly string[]).includes(status);
}

const statusSchema = z.enum(runStatuses) satisfies z.ZodType<RunStatus>;
const cancelReasonSchema = z.enum(cancelReasons) satisfies z.ZodType<CancelReason>;
const diffLevelSchema = z.enum(diffLevels) satisfies z.ZodType<DiffLevel>;

export const runSummarySchema = z.object({
  total: z.number().int(),
  queued: z.number().int(),
  running: z.number().int(),
  finished: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
  none: z.number().int(),
  minor: z.number().int(),
  major: z.number().int(),
  /** Compare executions that found no baseline image for their cell (new pages, tasks...). */
  noBaseline: z.number().int(),
  avgDiffPercent: z.number().nullable(),
  maxDiffPercent: z.number().nullable(),
  diffLevel: diffLevelSchema.nullable(),
  environmentDrift: z
    .number()
    .int()
    .optional()
    .describe('compare: cells rendered in another environment than their baseline images'),
  environmentNotice: z
    .string()
    .optional()
    .describe(
      'compare: e.g. "12 cells compared against baselines from chromium 120.0 (…); expect rendering differences"',
    ),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const runSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  batchId: z.string(),
  batchName: z.string().optional(),
  mode: z.enum(runModes) satisfies z.ZodType<RunMode>,
  baselineId: z
    .string()
    .optional()
    .describe('compare: the baseline compared against; baseline: the baseline this run records'),
  status: statusSchema,
  jiraIssue: z.string().optional(),
  branch: z.string().optional().describe('the git branch tested; absent: none given'),
  baseBranch: z
    .string()
    .optional()
    .describe('the branch whose baseline a branch without one falls back to (default main)'),
  commit: z.string().optional().describe('the git commit tested'),
  baselineReason: z
    .string()
    .optional()
    .describe(
      "compare: which baseline was chosen and why, e.g. \"branch 'feature-x' has no baseline; using 'main' (latest, run …)\"",
    ),
  cancelReason: cancelReasonSchema.optional(),
  deadlineAt: z.string().optional(),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  summary: runSummarySchema,
  bytesStored: z
    .number()
    .int()
    .describe(
      'Bytes this run added to the artifact store: images already stored (byte-identical to the baseline or an earlier run) count 0, traces and logs count in full',
    ),
});
export type Run = z.infer<typeof runSchema>;

export const executionArtifactsSchema = z.object({
  screenshot: z.string().optional(),
  baseline: z.string().optional(),
  diff: z.string().optional(),
  heatmap: z.string().optional(),
  reference: z.string().optional(),
  trace: z.string().optional(),
  video: z
    .string()
    .optional()
    .describe('a WebM video of the capture, when the batch records videos (recordVideo)'),
  log: z.string().optional(),
  failure: z
    .string()
    .optional()
    .describe(
      'a failed execution: a screenshot of the page as it was when the step, the HTTP answer or the navigation failed; a timed-out one: the page when its time ran out',
    ),
  layout: z
    .string()
    .optional()
    .describe(
      'the layout snapshot taken with the screenshot (gzipped JSON: element boxes, selectors, key computed styles)',
    ),
  aligned: z
    .string()
    .optional()
    .describe(
      'compare: the aligned diff, the observed image against the baseline with the detected moves undone (what changed beyond the moves)',
    ),
});
export type ExecutionArtifacts = z.infer<typeof executionArtifactsSchema>;
export type ArtifactKind = keyof ExecutionArtifacts;

export const executionReviewSchema = z
  .object({
    status: z.enum(['unreviewed', 'approved', 'rejected']),
    by: z.string().optional().describe('who approved or rejected it'),
    at: z.string().optional(),
  })
  .describe(
    'a reviewer’s verdict on this outcome: approved (its screenshot went into the baseline) or rejected (the change is a bug); a new outcome starts unreviewed',
  );
export const executionEnvironmentSchema = z.object({
  browser: z.string(),
  browserVersion: z.string(),
  os: z.string(),
  deviceScaleFactor: z.number(),
  fonts: z.array(z.string()).describe('font families the page rendered text with'),
  fontsDigest: z.string().describe('SHA-256 of the installed font set (fc-list)'),
  sceneVersion: z.string(),
  flags: z
    .object({
      suppressAnimations: z.boolean(),
      hideCaret: z.boolean(),
      freezeTime: z.boolean(),
      seedRandom: z.boolean(),
      isMobile: z.boolean(),
      hasTouch: z.boolean(),
    })
    .describe('the capture flags that change pixels'),
}) satisfies z.ZodType<ExecutionEnvironment>;

const pageRectSchema = z.object({
  x: z.number(),
  y: z.number(),
  width: z.number(),
  height: z.number(),
});

export const changeSchema = z
  .object({
    kind: z.enum(['added', 'removed', 'moved', 'resized', 'restyled', 'text', 'image', 'pixels']),
    selector: z.string().describe('unique in its page at capture time'),
    label: z.string().optional().describe('short human name: tag, id, text excerpt'),
    rootCause: z.boolean().describe('no other change explains this one'),
    causedBy: z
      .number()
      .int()
      .optional()
      .describe('index in `changes` of the root cause this change follows from'),
    before: pageRectSchema.optional().describe('page coordinates, CSS pixels'),
    after: pageRectSchema.optional().describe('page coordinates, CSS pixels'),
    dx: z.number().optional(),
    dy: z.number().optional(),
    properties: z
      .array(z.object({ name: z.string(), before: z.string(), after: z.string() }))
      .optional()
      .describe('restyled: the computed styles that changed'),
    pixels: z.number().int().describe('changed pixels this change accounts for'),
  })
  .describe('one element change (issue 15)');

export const environmentDriftSchema = z.object({
  field: z.string().describe('e.g. browserVersion, fonts, flags.freezeTime'),
  baseline: z.string(),
  observed: z.string(),
}) satisfies z.ZodType<EnvironmentDrift>;

export const executionSchema = z.object({
  id: z.string(),
  runId: z.string(),
  projectId: z.string(),
  position: z.number().int(),
  matrixKey: z.string(),
  pageId: z.string(),
  pageName: z.string(),
  taskId: z.string().optional(),
  taskName: z.string().optional(),
  browser: z.string(),
  viewport: z.object({
    name: z.string(),
    width: z.number().int(),
    height: z.number().int(),
    deviceScaleFactor: z.number().int().optional(),
    isMobile: z.boolean().optional(),
    hasTouch: z.boolean().optional(),
    userAgent: z.string().optional(),
  }),
  capture: z
    .object({
      scope: z.enum(['fullPage', 'viewport', 'element']),
      selector: z.string().optional().describe('element: the CSS selector this cell captures'),
    })
    .describe(
      'what this cell captures: the full page, the viewport, or one element of the page’s (or task’s) `elements` scope',
    ),
  status: statusSchema,
  attempt: z.number().int(),
  error: z.string().optional(),
  cancelReason: cancelReasonSchema.optional(),
  httpStatus: z.number().int().optional(),
  finalUrl: z.string().optional(),
  diffPixels: z.number().int().optional(),
  diffPercent: z.number().optional(),
  diffLevel: diffLevelSchema.optional(),
  changedPercent: z
    .number()
    .optional()
    .describe(
      'compare: percent of pixels that differ once the detected moves are undone (the aligned diff): what changed beyond what merely moved',
    ),
  changes: z
    .array(changeSchema)
    .optional()
    .describe(
      'compare with a diff: the diff as element changes, root causes first, then by area; absent when either image has no layout snapshot',
    ),
  changeSummary: z.string().optional().describe('compare with a diff: the changes in one line'),
  changedRegions: z.array(rectSchema).optional(),
  sizeChange: z.object({ width: z.number().int(), height: z.number().int() }).optional(),
  noBaseline: z
    .boolean()
    .optional()
    .describe('compare: the baseline has no image for this cell; approving adds it'),
  noReference: z
    .boolean()
    .optional()
    .describe('reference run: the page has no referenceUrl, so nothing was compared'),
  unstable: z
    .boolean()
    .optional()
    .describe(
      'compare: a second capture of the cell differed from the first in unstableRegions; those pixels move by themselves and count for no diff level',
    ),
  unstableRegions: z
    .array(rectSchema)
    .optional()
    .describe('compare: where the two captures of the cell differed (page pixels)'),
  approved: z
    .boolean()
    .describe('this execution’s screenshot is the current baseline image of its cell'),
  review: executionReviewSchema,
  artifacts: executionArtifactsSchema,
  environment: executionEnvironmentSchema
    .optional()
    .describe('what rendered the screenshot: browser and version, OS, fonts, pixel ratio, Scene'),
  environmentDrift: z
    .array(environmentDriftSchema)
    .optional()
    .describe(
      'compare: fingerprint fields that differ from the baseline entry’s (expect rendering differences); the batch’s onEnvironmentDrift decides whether that fails the cell',
    ),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
});
export type Execution = z.infer<typeof executionSchema>;

/** executions.diff_details: what the diff found beyond the counts. */
export interface DiffDetails {
  changedRegions?: { x: number; y: number; width: number; height: number }[];
  sizeChange?: { width: number; height: number };
  dimensionsChanged?: boolean;
  identical?: boolean;
  noBaseline?: boolean;
  /** Reference mode: the page has no referenceUrl, so nothing was compared. */
  noReference?: boolean;
  /** Confirm before flagging: the cell's two captures differed in unstableRegions. */
  unstable?: boolean;
  unstableRegions?: { x: number; y: number; width: number; height: number }[];
  /** Issue 15: the diff as element changes (both images had layout snapshots). */
  changes?: Change[];
  changeSummary?: string;
  changedPercent?: number;
}

export const launchRunSchema = z.strictObject({
  mode: z.enum(runModes),
  baselineId: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .optional()
    .describe('compare only: a baseline id or a unique prefix of one; default the latest'),
  jiraIssue: jiraIssueSchema
    .nullable()
    .optional()
    .describe('overrides the batch’s JIRA issue key; null: none for this run'),
  branch: branchNameSchema
    .optional()
    .describe(
      'the git branch tested: a compare run uses its latest baseline, else the base branch’s; approvals change only its baselines. Absent: the run is on the base branch',
    ),
  baseBranch: branchNameSchema
    .optional()
    .describe('the branch to fall back to when `branch` has no baseline; default main'),
  commit: commitShaSchema.optional().describe('the git commit tested (hex, 4 to 64 digits)'),
});
export type LaunchRunInput = z.infer<typeof launchRunSchema>;

export const runListQuerySchema = listQuerySchema.extend({
  projectId: idSchema.optional(),
  batchId: idSchema.optional(),
  status: statusSchema.optional(),
  jiraIssue: z.string().max(100).optional(),
  branch: branchNameSchema.optional().describe('only the runs on this branch'),
});
export type RunListQuery = z.infer<typeof runListQuerySchema>;

export const runLogLineSchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  level: z.enum(['info', 'warn', 'error']),
  kind: z.string().describe('queued, started, step, retry, failure, finished, cancelled, ...'),
  executionId: z.string().optional(),
  message: z.string(),
});
export type RunLogLine = z.infer<typeof runLogLineSchema>;
export type NewRunLogLine = Omit<RunLogLine, 'seq'>;

export const runLogQuerySchema = z.strictObject({
  after: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe('return lines after this seq (pass back nextCursor)'),
  limit: z.coerce.number().int().min(1).max(5000).optional(),
  executionId: idSchema.optional(),
});
