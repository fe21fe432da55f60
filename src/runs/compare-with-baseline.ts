import type { AppContext } from '../app-context.ts';
import { sha256Of } from '../artifacts/artifact-files.ts';
import type { ArtifactRecord } from '../artifacts/artifacts.repository.ts';
import { findCurrentEntry } from '../baselines/baselines.repository.ts';
import { diffLevel } from '../diff/diff-level.ts';
import type { DiffLevel, ExecutionEnvironment, Rect } from '../shared/domain.ts';
import type { LayoutSnapshot } from '../shared/layout-snapshot.ts';
import { fileOwnerOf, writeExecutionFiles } from './execution-artifacts.ts';
import { explainComparison, loadLayoutSnapshot } from './explain-comparison.ts';
import type { ExecutionRecord } from './executions.repository.ts';
import type { ImageDiffer } from './image-differ.ts';
import type { DiffDetails } from './run.schema.ts';
import type { RunRecord } from './runs.repository.ts';

export interface Comparison {
  baselineEntryId: string | null;
  diffPixels: number | null;
  diffPercent: number | null;
  diffLevel: DiffLevel | null;
  /**
   * The percent diffLevel was graded on: diffPercent, or changedPercent when ignoring moves.
   * The run's level applies the run threshold to the largest of these (diff-level.ts).
   */
  levelPercent: number | null;
  details: DiffDetails;
  /** Diff image and heatmap, written; the caller records or removes them. */
  artifacts: ArtifactRecord[];
  /** The fingerprint of the baseline entry compared against (null: none, or not kept). */
  baselineEnvironment: ExecutionEnvironment | null;
}

/** An image compared, with the layout snapshot taken with it (when there is one). */
export interface ComparedImage {
  png: Buffer;
  sha256: string;
  layout?: LayoutSnapshot | undefined;
}

/** A screenshot (and its layout snapshot) as compared: hashed once. */
export function comparedImageOf(shot: {
  png: Buffer;
  layout?: LayoutSnapshot | undefined;
}): ComparedImage {
  return { png: shot.png, sha256: sha256Of(shot.png), layout: shot.layout };
}

export interface CompareOptions {
  /** Also keep the diff image and heatmap of a `none` (confirm-change.ts). */
  writeImagesWhenNone?: boolean;
  /** Grade by changedPercent (what changed beyond the moves) instead of diffPercent. */
  ignoreMoves?: boolean;
}

/** Raised when the comparison cannot be made; the execution fails with this message. */
export class ComparisonError extends Error {
  override readonly name = 'ComparisonError';
}

/**
 * DESIGN.md section 3 step 7: the observed screenshot against the baseline image of the same
 * cell. Equal hashes are `none` without reading the baseline; otherwise the diff engine
 * (which also short-circuits on equal bytes) decides, ignoring the page's ignore regions and
 * the capture's masked elements.
 */
export async function compareWithBaseline(
  ctx: AppContext,
  differ: ImageDiffer,
  run: RunRecord,
  execution: ExecutionRecord,
  observed: ComparedImage,
  ignoreRegions: Rect[],
  options: CompareOptions = {},
): Promise<Comparison> {
  if (run.baselineId === null) {
    throw new ComparisonError('the baseline this run compares against has been deleted');
  }
  const entry = await findCurrentEntry(ctx.db, run.baselineId, execution.matrixKey);
  if (!entry) return notCompared({ noBaseline: true });
  if (entry.sha256 === observed.sha256) return identical(entry.id, entry.environment);
  // A path when the store is a directory: the diff engine reads it where it runs (a worker
  // thread), and the baseline image never passes through this thread.
  const baselinePng =
    ctx.artifacts.localPath(entry.fileKey) ?? (await ctx.artifacts.get(entry.fileKey));
  return {
    baselineEntryId: entry.id,
    baselineEnvironment: entry.environment,
    ...(await diffImages(
      ctx,
      differ,
      run,
      execution,
      {
        png: baselinePng,
        layout: observed.layout && (await loadLayoutSnapshot(ctx, entry.layoutFileKey)),
      },
      observed,
      ignoreRegions,
      options,
    )),
  };
}

/**
 * Reference mode (issue 17): the screenshot of the page's URL against the screenshot of its
 * referenceUrl taken in the same execution, with the same engine, levels and thresholds as a
 * compare. A page without a referenceUrl has nothing to compare (`noReference`).
 */
export async function compareWithReference(
  ctx: AppContext,
  differ: ImageDiffer,
  run: RunRecord,
  execution: ExecutionRecord,
  reference: ComparedImage | undefined,
  observed: ComparedImage,
  ignoreRegions: Rect[],
  options: CompareOptions = {},
): Promise<Comparison> {
  if (!reference) return notCompared({ noReference: true });
  if (reference.sha256 === observed.sha256) return identical(null, null);
  return {
    baselineEntryId: null,
    baselineEnvironment: null,
    ...(await diffImages(ctx, differ, run, execution, reference, observed, ignoreRegions, options)),
  };
}

/** Nothing to compare against: no level, no percent. */
function notCompared(details: { noBaseline: true } | { noReference: true }): Comparison {
  return {
    baselineEntryId: null,
    diffPixels: null,
    diffPercent: null,
    diffLevel: null,
    levelPercent: null,
    details,
    artifacts: [],
    baselineEnvironment: null,
  };
}

/** Equal bytes: `none`, without decoding either image. */
function identical(
  baselineEntryId: string | null,
  baselineEnvironment: ExecutionEnvironment | null,
): Comparison {
  return {
    baselineEntryId,
    diffPixels: 0,
    diffPercent: 0,
    diffLevel: 'none',
    levelPercent: 0,
    details: { identical: true, changedRegions: [], sizeChange: { width: 0, height: 0 } },
    artifacts: [],
    baselineEnvironment,
  };
}

/**
 * The diff of two images with the run's thresholds; the diff image and heatmap are written.
 * When both images have layout snapshots, a diff is explained as element changes (issue 15).
 */
async function diffImages(
  ctx: AppContext,
  differ: ImageDiffer,
  run: RunRecord,
  execution: ExecutionRecord,
  before: { png: Parameters<ImageDiffer['computeDiff']>[0]; layout?: LayoutSnapshot | undefined },
  after: ComparedImage,
  ignoreRegions: Rect[],
  options: CompareOptions = {},
): Promise<Omit<Comparison, 'baselineEntryId' | 'baselineEnvironment'>> {
  const result = await differ.computeDiff(before.png, after.png, { ignoreRegions });
  const pixelLevel = diffLevel(result.diffPercent, run.executionDiffThreshold);
  const artifacts: ArtifactRecord[] = [];
  const keepImages = pixelLevel !== 'none' || options.writeImagesWhenNone === true;
  const file = fileOwnerOf(run, execution);
  const explanation =
    before.layout && after.layout && result.diffPixels > 0
      ? await explainComparison(
          ctx,
          differ,
          {
            before: before.layout,
            after: after.layout,
            baselinePng: before.png,
            observedPng: after.png,
            diff: result,
            ignoreRegions,
            scale: execution.viewport.deviceScaleFactor ?? 1,
          },
          file,
        )
      : undefined;
  if (explanation) artifacts.push(...explanation.artifacts);
  const levelPercent =
    options.ignoreMoves && explanation ? explanation.changedPercent : result.diffPercent;
  const level = diffLevel(levelPercent, run.executionDiffThreshold);
  await writeExecutionFiles(
    ctx,
    file,
    [
      {
        kind: 'diff',
        extension: 'png',
        bytes: keepImages ? result.diffImage : undefined,
        width: Math.max(result.baselineSize.width, result.observedSize.width),
        height: Math.max(result.baselineSize.height, result.observedSize.height),
      },
      { kind: 'heatmap', extension: 'png', bytes: keepImages ? result.heatmap : undefined },
    ],
    artifacts,
  );
  return {
    diffPixels: result.diffPixels,
    diffPercent: result.diffPercent,
    diffLevel: level,
    levelPercent,
    details: {
      identical: result.identical,
      changedRegions: result.changedRegions,
      sizeChange: result.sizeChange,
      dimensionsChanged: result.dimensionsChanged,
      ...(explanation && {
        changes: explanation.changes,
        changeSummary: explanation.changeSummary,
        changedPercent: explanation.changedPercent,
      }),
    },
    artifacts,
  };
}
