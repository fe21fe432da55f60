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
import { CELL_SIZE } from './change-grid.ts';
import { GREY_LEVELS, HEAT_LEVELS, heatField, heatGreyIndex, heatPalette } from './heatmap.ts';
import { createIndexedImage } from './indexed-png.ts';
import type { IndexedImage } from './indexed-png.ts';
import { kernel } from './native-kernel.ts';

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

/** Blank output images on the comparison canvas. */
export function createOutputImages(
  width: number,
  height: number,
  wanted: { diffImage: boolean; heatmap: boolean },
): RenderedImages {
  const images: RenderedImages = {};
  if (wanted.diffImage) images.diffImage = createIndexedImage(width, height, diffPalette);
  if (wanted.heatmap) images.heatmap = createIndexedImage(width, height, heatPalette);
  return images;
}

export function heatSourceOf(grid: ChangeGrid): HeatSource {
  return { field: heatField(grid), columns: grid.columns, rows: grid.rows };
}

// the kernel's palette lookups (diff grey, diff tint, heatmap grey per luma) and constants
const paletteIndices = Uint8Array.from([...diffGreyIndex, ...diffTintIndex, ...heatGreyIndex]);
const constants = Int32Array.from([DIFF_CHANGED, DIFF_WHITE, GREY_LEVELS, HEAT_LEVELS, CELL_SIZE]);

/**
 * Draws the diff image and the heatmap in one pass over the observed image (its luma is computed
 * once for both), in the native kernel. The diff image: the observed image greyed and faded,
 * changed pixels in the highlight colour, content present in one image only tinted. The
 * heatmap: the heat field interpolated bilinearly between cell centres, over the grey.
 * Canvas areas covered by neither image are white.
 */
export function renderImages(
  baseline: RgbaImage,
  observed: RgbaImage,
  mask: DiffMask,
  heat: HeatSource,
  images: RenderedImages,
): void {
  kernel.render(
    baseline.data,
    baseline.width,
    baseline.height,
    observed.data,
    observed.width,
    observed.height,
    baseline.opaque && observed.opaque ? 1 : 0,
    mask.pixels,
    mask.changedRows,
    mask.width,
    mask.height,
    images.diffImage?.scanlines ?? null,
    images.heatmap?.scanlines ?? null,
    heat.field,
    heat.columns,
    heat.rows,
    paletteIndices,
    constants,
  );
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
