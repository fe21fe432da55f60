import { z } from 'zod';
import type { ExecutionEnvironment } from '../shared/domain.ts';
import { idSchema, listQuerySchema } from '../shared/schemas.ts';
import { branchNameSchema } from './branches.ts';

export const baselineSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  batchId: z.string(),
  sourceRunId: z
    .string()
    .nullable()
    .describe(
      'the baseline-mode run that recorded it; null once that run is deleted, and for a copy made by an approval on a branch',
    ),
  branch: z
    .string()
    .optional()
    .describe('the git branch it belongs to; absent: recorded without a branch (the base branch)'),
  forkedFromId: z
    .string()
    .optional()
    .describe(
      'a branch’s copy-on-write baseline: the baseline it was copied from at the branch’s first approval',
    ),
  createdAt: z.string(),
  updatedAt: z.string(),
  entries: z.number().int().describe('current images, one per matrix cell'),
});
export type Baseline = z.infer<typeof baselineSchema>;

export const baselineListQuerySchema = listQuerySchema.extend({
  batchId: idSchema.optional(),
  projectId: idSchema.optional(),
  branch: branchNameSchema.optional().describe('only the baselines of this branch'),
});
export type BaselineListQuery = z.infer<typeof baselineListQuerySchema>;

/** One image of a baseline, for a (page, task, browser, viewport) cell. */
export interface BaselineEntry {
  id: string;
  baselineId: string;
  matrixKey: string;
  artifactId: string;
  /** The image artifact's own key (its URL). */
  storageKey: string;
  /** Where the image's bytes are in the store (a shared blob, or the artifact's own key). */
  fileKey: string;
  sha256: string;
  sourceExecutionId: string | null;
  /** Who approved it; null: recorded by a baseline run. */
  approvedBy: string | null;
  createdAt: string;
  /** When a later image replaced it; null: the cell's current image. */
  supersededAt: string | null;
  /** The fingerprint of the execution the image came from (null before Scene kept them). */
  environment: ExecutionEnvironment | null;
  /** The layout snapshot taken with the image (null: none was taken, e.g. before issue 15). */
  layoutArtifactId: string | null;
  /** Where the snapshot's bytes are in the store. */
  layoutFileKey: string | null;
}
