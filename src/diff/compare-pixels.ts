import type { Rect } from '../shared/domain.ts';
import { isAntiAliased, isAntiAliasedOpaque } from './anti-aliasing.ts';
import { BrightnessRows } from './brightness-rows.ts';
import { colorDelta, colorDeltaOpaque, maxDeltaFor } from './color-delta.ts';
import { recordChange } from './change-grid.ts';
import type { ChangeGrid } from './change-grid.ts';
import type { DiffMask } from './diff-mask.ts';
import { isIgnored } from './ignore-regions.ts';
import { allRows } from './row-bands.ts';
import type { RowBands } from './row-bands.ts';
import { isInSolidArea } from './solid-area.ts';

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

/**
 * Compares two RGBA images of the same size, marks counted pixels in `mask` and `grid` (whose
 * width may be larger: the images are their top-left corner) and returns how many were counted. Ignored
 * pixels are never counted or marked. `opaque`: neither image has a transparent pixel, which
 * allows the faster anti-aliasing check (same answers). `rows`: the share of rows to compare
 * (all by default); the images must still be whole, neighbours are read across bands.
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
  rows: RowBands = allRows(height),
): number {
  // Int32 rather than Uint32 views: opaque pixels exceed 2^31 and would be handled as doubles
  const a32 = new Int32Array(baseline.buffer, baseline.byteOffset, width * height);
  const b32 = new Int32Array(observed.buffer, observed.byteOffset, width * height);
  const maxDelta = maxDeltaFor(sensitivity.threshold);
  const { includeAntiAliasing, solidAreaSensitivity } = sensitivity;
  const checkIgnored = ignored.length > 0;
  const rowBytes = width * 4;
  const maskPixels = mask.pixels;
  const aBrightness = new BrightnessRows(a32, width);
  const bBrightness = new BrightnessRows(b32, width);
  let counted = 0;

  const step = rows.parts * rows.bandHeight;
  for (let bandStart = rows.part * rows.bandHeight; bandStart < height; bandStart += step) {
    const bandEnd = Math.min(height, bandStart + rows.bandHeight);
    for (let y = bandStart; y < bandEnd; y++) {
      const rowStart = y * rowBytes;
      // memcmp of whole rows: most rows of a screenshot pair are identical
      if (
        baseline.compare(observed, rowStart, rowStart + rowBytes, rowStart, rowStart + rowBytes) ===
        0
      )
        continue;

      const rowOffset = y * width;
      const maskOffset = y * mask.width;
      let rowCount = 0;
      let brightnessReady = false;
      let aAbove = 0;
      let aCurrent = 0;
      let aBelow = 0;
      let bAbove = 0;
      let bCurrent = 0;
      let bBelow = 0;
      for (let x = 0; x < width; x++) {
        const i = rowOffset + x;
        const wordA = a32[i] ?? 0;
        const wordB = b32[i] ?? 0;
        if (wordA === wordB) continue;
        const delta = opaque
          ? colorDeltaOpaque(wordA, wordB)
          : colorDelta(baseline, observed, i * 4);
        const size = delta < 0 ? -delta : delta;
        let changed: boolean;
        if (size > maxDelta) {
          if (includeAntiAliasing) changed = true;
          else if (opaque) {
            if (!brightnessReady) {
              aCurrent = aBrightness.row(y);
              bCurrent = bBrightness.row(y);
              if (y > 0) {
                aAbove = aBrightness.row(y - 1);
                bAbove = bBrightness.row(y - 1);
              }
              if (y + 1 < height) {
                aBelow = aBrightness.row(y + 1);
                bBelow = bBrightness.row(y + 1);
              }
              brightnessReady = true;
            }
            changed = !(
              isAntiAliasedOpaque(
                aBrightness.values,
                aAbove,
                aCurrent,
                aBelow,
                x,
                y,
                width,
                height,
                a32,
                b32,
              ) ||
              isAntiAliasedOpaque(
                bBrightness.values,
                bAbove,
                bCurrent,
                bBelow,
                x,
                y,
                width,
                height,
                b32,
                a32,
              )
            );
          } else {
            changed = !(
              isAntiAliased(baseline, x, y, width, height, a32, b32) ||
              isAntiAliased(observed, x, y, width, height, b32, a32)
            );
          }
        } else {
          changed =
            solidAreaSensitivity &&
            size > 0 &&
            isInSolidArea(a32, x, y, width, height) &&
            isInSolidArea(b32, x, y, width, height);
        }
        if (!changed || (checkIgnored && isIgnored(ignored, x, y))) continue;
        maskPixels[maskOffset + x] = 1;
        recordChange(grid, x, y);
        rowCount++;
      }
      if (rowCount > 0) {
        mask.changedRows[y] = 1;
        counted += rowCount;
      }
    }
  }
  return counted;
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
