import type { AppContext } from '../app-context.ts';
import { writeArtifactFile } from '../artifacts/artifact-files.ts';
import type { ArtifactRecord } from '../artifacts/artifacts.repository.ts';
import { summarizeChanges } from '../diff/explain/change-summary.ts';
import { explainChanges, type Change } from '../diff/explain/explain-changes.ts';
import { withPixelChanges } from '../diff/explain/pixel-changes.ts';
import { shiftAlignment } from '../diff/explain/shift-alignment.ts';
import type { DiffResult, PngInput } from '../diff/diff.types.ts';
import type { Rect } from '../shared/domain.ts';
import { decodeLayoutSnapshot, type LayoutSnapshot } from '../shared/layout-snapshot.ts';
import type { ImageDiffer } from './image-differ.ts';

// Issue 15: a diff explained as element changes (diff/explain/), and the share of pixels that
// changed beyond what merely moved (the aligned diff).

export interface Explanation {
  changes: Change[];
  changeSummary: string;
  /** Percent of pixels that differ once the detected moves are undone. */
  changedPercent: number;
  /** The aligned diff image, written (the caller records or removes it); none without moves. */
  artifacts: ArtifactRecord[];
}

export interface ExplainInput {
  before: LayoutSnapshot;
  after: LayoutSnapshot;
  baselinePng: PngInput;
  observedPng: Buffer;
  diff: DiffResult;
  ignoreRegions: Rect[];
  /** Image pixels per CSS pixel (the viewport's device scale factor). */
  scale: number;
  file: { projectId: string; runId: string; executionId: string };
}

export async function explainComparison(
  ctx: AppContext,
  differ: ImageDiffer,
  input: ExplainInput,
): Promise<Explanation> {
  const { diff, scale } = input;
  const toCss = (r: Rect): Rect => ({
    x: r.x / scale,
    y: r.y / scale,
    width: r.width / scale,
    height: r.height / scale,
  });
  const changes = explainChanges(input.before, input.after, diff.changedRegions.map(toCss));
  const alignment = shiftAlignment(changes, scale, diff.observedSize.height);
  let changedPercent = diff.diffPercent;
  let remaining = diff.changedRegions;
  const artifacts: ArtifactRecord[] = [];
  if (alignment) {
    const aligned = await differ.computeDiff(input.baselinePng, input.observedPng, {
      ignoreRegions: input.ignoreRegions,
      alignment,
      outputs: { diffImage: true, heatmap: false },
    });
    changedPercent = aligned.diffPercent;
    remaining = aligned.changedRegions;
    if (aligned.diffImage) {
      artifacts.push(
        await writeArtifactFile(ctx, {
          ...input.file,
          kind: 'aligned',
          extension: 'png',
          bytes: aligned.diffImage,
          width: aligned.observedSize.width,
          height: aligned.observedSize.height,
        }),
      );
    }
  }
  const listed = withPixelChanges(changes, remaining.map(toCss), input.after);
  return { changes: listed, changeSummary: summarizeChanges(listed), changedPercent, artifacts };
}

/** The baseline entry's stored snapshot; undefined when it has none or it cannot be read. */
export async function loadLayoutSnapshot(
  ctx: AppContext,
  fileKey: string | null,
): Promise<LayoutSnapshot | undefined> {
  if (fileKey === null) return undefined;
  try {
    return decodeLayoutSnapshot(await ctx.artifacts.get(fileKey));
  } catch (error) {
    ctx.logger.warn({ err: error, fileKey }, 'could not read a baseline layout snapshot');
    return undefined;
  }
}
