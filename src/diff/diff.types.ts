import type { Rect } from '../shared/domain.ts';

// The contract of the diff engine: pure image comparison, no HTTP, no SQL.

export interface DiffOptions {
  /** Perceptual (YIQ) colour threshold, 0..1; pixelmatch's meaning. Default 0.1. */
  threshold?: number;
  /** Count anti-aliased pixels as differences. Default false (they are rendering noise). */
  includeAntiAliasing?: boolean;
  /**
   * Also count changes at or below `threshold` where the pixel lies in a solid area (3+ equal
   * neighbours in both images), e.g. a background recoloured by one level. Default true;
   * false gives pixelmatch's exact count. See compare-pixels.ts.
   */
  solidAreaSensitivity?: boolean;
  /** Areas excluded from the count and hatched in the diff image (page coordinates). */
  ignoreRegions?: Rect[];
  /** Which images to produce; both by default. */
  outputs?: { diffImage?: boolean; heatmap?: boolean };
  /**
   * Undo these moves in the baseline before comparing (align-baseline.ts): the result counts
   * what changed beyond them (the aligned diff). Image pixels.
   */
  alignment?: Alignment;
}

/** Where observed pixels came from in the baseline: shifted row bands, then shifted blocks. */
export interface Alignment {
  /** Observed rows [y, y + height) show baseline rows y - dy. Rows in no band: dy 0. */
  rows: { y: number; height: number; dy: number }[];
  /** Observed rectangles that show the baseline's pixels at (x - dx, y - dy); later win. */
  blocks: (Rect & { dx: number; dy: number })[];
}

export interface ImageSize {
  width: number;
  height: number;
}

export interface DiffResult {
  /** Byte-identical inputs: nothing was decoded; counts are zero and no images are produced. */
  identical: boolean;
  diffPixels: number;
  /** diffPixels / pixels of the larger of the two images, 0..1. */
  diffRatio: number;
  /** diffRatio * 100. */
  diffPercent: number;
  baselineSize: ImageSize;
  observedSize: ImageSize;
  dimensionsChanged: boolean;
  /** observed minus baseline, in px. */
  sizeChange: { width: number; height: number };
  /** Bounding boxes of clusters of differing pixels, largest first. */
  changedRegions: Rect[];
  diffImage?: Buffer;
  heatmap?: Buffer;
}

/** Input: PNG bytes or a path to a PNG file. */
export type PngInput = Buffer | string;
