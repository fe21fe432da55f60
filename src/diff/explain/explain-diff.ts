import type { Rect } from '../../shared/domain.ts';
import type { LayoutSnapshot } from '../../shared/layout-snapshot.ts';
import type { DiffOptions, DiffResult, PngInput } from '../diff.types.ts';
import { summarizeChanges } from './change-summary.ts';
import { explainChanges, type Change } from './explain-changes.ts';
import { withPixelChanges } from './pixel-changes.ts';
import { shiftAlignment } from './shift-alignment.ts';

export interface DiffExplanation {
  changes: Change[];
  changeSummary: string;
  /** Percent of pixels that differ once the detected moves are undone. */
  changedPercent: number;
  /** The aligned diff image (observed against the baseline with the moves undone); none without moves. */
  alignedDiff?: Buffer;
}

export interface ExplainDiffInput {
  before: LayoutSnapshot;
  after: LayoutSnapshot;
  baselinePng: PngInput;
  observedPng: PngInput;
  /** The plain diff of the two images. */
  diff: DiffResult;
  ignoreRegions: Rect[];
  /** Image pixels per CSS pixel (the viewport's device scale factor). */
  scale: number;
}

/**
 * A diff explained (issue 15): the element changes between the two layout snapshots, each
 * credited with the changed pixels in its boxes; the aligned diff (the images compared again
 * with the detected moves undone) and its share of changed pixels; the pixels no element
 * change explains, as `pixels` changes; and the summary line. `compare` is the diff engine
 * (in this thread or a worker pool).
 */
export async function explainDiff(
  input: ExplainDiffInput,
  compare: (baseline: PngInput, observed: PngInput, options: DiffOptions) => Promise<DiffResult>,
): Promise<DiffExplanation> {
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
  let alignedDiff: Buffer | undefined;
  if (alignment) {
    const aligned = await compare(input.baselinePng, input.observedPng, {
      ignoreRegions: input.ignoreRegions,
      alignment,
      outputs: { diffImage: true, heatmap: false },
    });
    changedPercent = aligned.diffPercent;
    remaining = aligned.changedRegions;
    alignedDiff = aligned.diffImage;
  }
  const listed = withPixelChanges(changes, remaining.map(toCss), input.after);
  return {
    changes: listed,
    changeSummary: summarizeChanges(listed),
    changedPercent,
    ...(alignedDiff && { alignedDiff }),
  };
}
