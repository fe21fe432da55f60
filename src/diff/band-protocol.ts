import type { Rect } from '../shared/domain.ts';
import type { ChangeGrid } from './change-grid.ts';
import type { Sensitivity } from './compare-pixels.ts';
import type { RgbaImage } from './decode-png.ts';
import type { DiffMask } from './diff-mask.ts';
import type { HeatSource, RenderedImages } from './render-images.ts';
import type { RowBands } from './row-bands.ts';

// Messages between computeDiff and its band helper thread. Images, mask, grid and output
// scanlines live in SharedArrayBuffers: both threads write disjoint bands of rows in place.

export type BandTask =
  | {
      kind: 'compare';
      baseline: RgbaImage;
      observed: RgbaImage;
      sensitivity: Sensitivity;
      ignored: Rect[];
      mask: DiffMask;
      grid: ChangeGrid;
      rows: RowBands;
    }
  | {
      kind: 'render';
      baseline: RgbaImage;
      observed: RgbaImage;
      mask: DiffMask;
      heat: HeatSource;
      images: RenderedImages;
      rows: RowBands;
    };

export type BandJob = BandTask & { id: number };

export type BandReply =
  { id: number; ok: true; count: number } | { id: number; ok: false; message: string };
