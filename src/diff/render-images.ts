import type { Rect } from '../shared/domain.ts';
import type { ChangeGrid } from './change-grid.ts';
import type { RgbaImage } from './decode-png.ts';
import type { DiffMask } from './diff-mask.ts';
import {
  DIFF_CHANGED,
  DIFF_HATCH,
  DIFF_WHITE,
  HATCH_PERIOD,
  HATCH_WIDTH,
  diffGreyIndex,
  diffPalette,
  diffTintIndex,
} from './diff-image.ts';
import { HeatRows, heatField, heatGreyIndex, heatPalette } from './heatmap.ts';
import { createIndexedImage } from './indexed-png.ts';
import type { RowBands } from './row-bands.ts';
import type { IndexedImage } from './indexed-png.ts';

export interface RenderedImages {
  diffImage?: IndexedImage;
  heatmap?: IndexedImage;
}

/** The heat field (see heatmap.ts) with its grid's dimensions. */
export interface HeatSource {
  field: Float32Array;
  columns: number;
  rows: number;
}

/** Blank output images on the comparison canvas; `shared` for rendering by several threads. */
export function createOutputImages(
  width: number,
  height: number,
  wanted: { diffImage: boolean; heatmap: boolean },
  shared: boolean,
): RenderedImages {
  const images: RenderedImages = {};
  if (wanted.diffImage) images.diffImage = createIndexedImage(width, height, diffPalette, shared);
  if (wanted.heatmap) images.heatmap = createIndexedImage(width, height, heatPalette, shared);
  return images;
}

export function heatSourceOf(grid: ChangeGrid): HeatSource {
  return { field: heatField(grid), columns: grid.columns, rows: grid.rows };
}

/**
 * Draws `rows` of the diff image and the heatmap in one pass over the observed image (its luma
 * is computed once for both). Canvas areas covered by neither image are white.
 */
export function renderRows(
  baseline: RgbaImage,
  observed: RgbaImage,
  mask: DiffMask,
  heat: HeatSource,
  images: RenderedImages,
  rows: RowBands,
): void {
  const { width, height, pixels, changedRows } = mask;
  const heatRows = images.heatmap
    ? new HeatRows(heat.field, heat.columns, heat.rows, width)
    : undefined;
  const heatBase = new Uint8Array(width);
  const noHeat = new Uint8Array(width);
  const obs32 = new Int32Array(
    observed.data.buffer,
    observed.data.byteOffset,
    observed.width * observed.height,
  );
  const base32 = new Int32Array(
    baseline.data.buffer,
    baseline.data.byteOffset,
    baseline.width * baseline.height,
  );
  const commonWidth = Math.min(baseline.width, observed.width);
  const commonHeight = Math.min(baseline.height, observed.height);
  const opaque = observed.opaque && baseline.opaque;
  const stride = width + 1;
  const diffOut = images.diffImage?.scanlines;
  const heatOut = images.heatmap?.scanlines;

  const step = rows.parts * rows.bandHeight;
  for (let bandStart = rows.part * rows.bandHeight; bandStart < height; bandStart += step) {
    const bandEnd = Math.min(height, bandStart + rows.bandHeight);
    for (let y = bandStart; y < bandEnd; y++) {
      const rowMask = y * width;
      const rowObs = y * observed.width;
      const rowOut = y * stride + 1; // after the filter byte
      const rowHeat = heatRows?.fill(y, heatBase) ? heatBase : noHeat;
      const rowChanged = changedRows[y] === 1;
      const commonEnd = y < commonHeight ? commonWidth : 0;

      // the common area: one luma per pixel feeds both images
      if (diffOut && heatOut) {
        for (let x = 0; x < commonEnd; x++) {
          const luma = lumaOf(obs32[rowObs + x] ?? 0, opaque);
          diffOut[rowOut + x] =
            rowChanged && pixels[rowMask + x] === 1 ? DIFF_CHANGED : (diffGreyIndex[luma] ?? 0);
          heatOut[rowOut + x] = (rowHeat[x] ?? 0) + (heatGreyIndex[luma] ?? 0);
        }
      } else if (diffOut) {
        for (let x = 0; x < commonEnd; x++) {
          const luma = lumaOf(obs32[rowObs + x] ?? 0, opaque);
          diffOut[rowOut + x] =
            rowChanged && pixels[rowMask + x] === 1 ? DIFF_CHANGED : (diffGreyIndex[luma] ?? 0);
        }
      } else if (heatOut) {
        for (let x = 0; x < commonEnd; x++) {
          heatOut[rowOut + x] =
            (rowHeat[x] ?? 0) + (heatGreyIndex[lumaOf(obs32[rowObs + x] ?? 0, opaque)] ?? 0);
        }
      }
      // the rest: content of whichever image covers it, or white
      for (let x = commonEnd; x < width; x++) {
        const inObserved = x < observed.width && y < observed.height;
        const inBaseline = x < baseline.width && y < baseline.height;
        if (!inObserved && !inBaseline) {
          if (diffOut) diffOut[rowOut + x] = DIFF_WHITE;
          if (heatOut) heatOut[rowOut + x] = (rowHeat[x] ?? 0) + (heatGreyIndex[255] ?? 0);
          continue;
        }
        const word = inObserved ? (obs32[rowObs + x] ?? 0) : (base32[y * baseline.width + x] ?? 0);
        const luma = lumaOf(word, false);
        if (diffOut)
          diffOut[rowOut + x] =
            pixels[rowMask + x] === 1 ? (diffTintIndex[luma] ?? 0) : (diffGreyIndex[luma] ?? 0);
        if (heatOut)
          heatOut[rowOut + x] = (rowHeat[x] ?? 0) + (heatGreyIndex[inObserved ? luma : 255] ?? 0);
      }
    }
  }
}

/** Hatches the ignored areas of the diff image (after all rows are drawn). */
export function hatchIgnored(images: RenderedImages, ignored: readonly Rect[]): void {
  const diff = images.diffImage;
  if (!diff) return;
  const stride = diff.width + 1;
  for (const r of ignored) {
    for (let y = r.y; y < r.y + r.height; y++) {
      for (let x = r.x; x < r.x + r.width; x++) {
        if ((x + y) % HATCH_PERIOD < HATCH_WIDTH) diff.scanlines[y * stride + 1 + x] = DIFF_HATCH;
      }
    }
  }
}

// Luma of an RGBA word (little-endian 0xAABBGGRR), composited over white when translucent.
function lumaOf(word: number, opaque: boolean): number {
  const luma =
    ((word & 0xff) * 77 + ((word >>> 8) & 0xff) * 150 + ((word >>> 16) & 0xff) * 29) >> 8;
  if (opaque) return luma;
  const alpha = word >>> 24;
  return alpha === 255 ? luma : (255 - ((255 - luma) * alpha) / 255) | 0;
}
