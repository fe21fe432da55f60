import type { Rect } from '../shared/domain.ts';
import { recordChange } from './change-grid.ts';
import type { ChangeGrid } from './change-grid.ts';
import type { DiffMask } from './diff-mask.ts';
import { isIgnored } from './ignore-regions.ts';
import { kernel } from './native-kernel.ts';

/**
 * How sensitive a comparison is (DESIGN.md section 3, "Sensitivity").
 *
 * Two rules decide whether a pixel whose colour differs counts as changed:
 *
 * 1. Above `threshold` (pixelmatch's YIQ threshold, same meaning, default 0.1): it counts unless
 *    pixelmatch's anti-aliasing detector says it is an anti-aliased edge in either image. This
 *    rule alone gives exactly pixelmatch's count.
 * 2. At or below `threshold` (down to a one-level change in one channel): it counts only when
 *    the pixel lies in a solid area — 3+ neighbours of exactly its colour in the baseline AND in
 *    the observed image (pixelmatch's test for "definitely not anti-aliased", except that the
 *    image border does not count as a neighbour).
 *
 * Why not simply a near-zero threshold? Pixelmatch's 0.1 hides a one-level change (that needs
 * t < 0.0013), yet a near-zero threshold turns every ±1–2 level wobble of font smoothing or a
 * rounded corner that the anti-aliasing heuristic does not recognise into a "change". Edges,
 * glyphs and dithered gradients have no 3 identical neighbours, so rule 2 leaves them to rule 1,
 * while a recoloured background, button or band — the near-invisible regression — is caught.
 * `solidAreaSensitivity: false` turns rule 2 off and gives pixelmatch's exact behaviour.
 */
export interface Sensitivity {
  threshold: number;
  includeAntiAliasing: boolean;
  solidAreaSensitivity: boolean;
}

/** The largest possible YIQ delta; a threshold t accepts deltas up to MAX_YIQ_DELTA * t². */
const MAX_YIQ_DELTA = 35215;

export function maxDeltaFor(threshold: number): number {
  return MAX_YIQ_DELTA * threshold * threshold;
}

// flags of the kernel's compare
const INCLUDE_ANTI_ALIASING = 1;
const SOLID_AREA_SENSITIVITY = 2;
const OPAQUE = 4;

/**
 * Compares two RGBA images of the same size (4-byte aligned), marks counted pixels in `mask`
 * and `grid` (whose width may be larger: the images are their top-left corner) and returns how
 * many were counted. Ignored pixels are never counted or marked. `opaque`: neither image has a
 * transparent pixel, which allows the faster anti-aliasing check (same answers). Runs in the
 * native kernel: rows that are byte-identical are skipped with one memcmp.
 */
export function comparePixels(
  baseline: Buffer,
  observed: Buffer,
  width: number,
  height: number,
  sensitivity: Sensitivity,
  ignored: readonly Rect[],
  mask: DiffMask,
  grid: ChangeGrid,
  opaque: boolean,
): number {
  const flags =
    (sensitivity.includeAntiAliasing ? INCLUDE_ANTI_ALIASING : 0) |
    (sensitivity.solidAreaSensitivity ? SOLID_AREA_SENSITIVITY : 0) |
    (opaque ? OPAQUE : 0);
  return kernel.compare(
    baseline,
    observed,
    width,
    height,
    maxDeltaFor(sensitivity.threshold),
    flags,
    Int32Array.from(ignored.flatMap((r) => [r.x, r.y, r.width, r.height])),
    mask.pixels,
    mask.width,
    mask.changedRows,
    grid.counts,
    grid.minX,
    grid.minY,
    grid.maxX,
    grid.maxY,
    grid.columns,
  );
}

/**
 * Marks every canvas pixel outside the common `width`×`height` corner that belongs to either
 * image (and is not ignored) as changed; returns how many.
 */
export function markNonOverlap(
  common: { width: number; height: number },
  baseline: { width: number; height: number },
  observed: { width: number; height: number },
  ignored: readonly Rect[],
  mask: DiffMask,
  grid: ChangeGrid,
): number {
  let counted = 0;
  for (let y = 0; y < mask.height; y++) {
    const inCommonRows = y < common.height;
    let rowCount = 0;
    for (let x = inCommonRows ? common.width : 0; x < mask.width; x++) {
      const inBaseline = x < baseline.width && y < baseline.height;
      const inObserved = x < observed.width && y < observed.height;
      if (!inBaseline && !inObserved) continue;
      if (ignored.length > 0 && isIgnored(ignored, x, y)) continue;
      mask.pixels[y * mask.width + x] = 1;
      recordChange(grid, x, y);
      rowCount++;
    }
    if (rowCount > 0) {
      mask.changedRows[y] = 1;
      counted += rowCount;
    }
  }
  return counted;
}
