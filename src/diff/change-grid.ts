import type { DiffMask } from './diff-mask.ts';

/** Side of a grid cell, in pixels: the unit of clustering and of the heatmap's density. */
export const CELL_SIZE = 8;

/**
 * The diff mask summarised per CELL_SIZE×CELL_SIZE cell: how many pixels changed, and the tight
 * pixel bounds of those changes (so regions hug the changes, not the cell grid).
 */
export interface ChangeGrid {
  columns: number;
  rows: number;
  counts: Uint16Array;
  minX: Int32Array;
  minY: Int32Array;
  maxX: Int32Array;
  maxY: Int32Array;
}

export function buildChangeGrid(mask: DiffMask): ChangeGrid {
  const columns = Math.ceil(mask.width / CELL_SIZE);
  const rows = Math.ceil(mask.height / CELL_SIZE);
  const cells = columns * rows;
  const grid: ChangeGrid = {
    columns,
    rows,
    counts: new Uint16Array(cells),
    minX: new Int32Array(cells).fill(mask.width),
    minY: new Int32Array(cells).fill(mask.height),
    maxX: new Int32Array(cells).fill(-1),
    maxY: new Int32Array(cells).fill(-1),
  };
  const { pixels, width } = mask;
  for (let y = 0; y < mask.height; y++) {
    if (mask.changedRows[y] !== 1) continue;
    const cellRow = ((y / CELL_SIZE) | 0) * columns;
    const offset = y * width;
    for (let x = 0; x < width; x++) {
      if (pixels[offset + x] !== 1) continue;
      const cell = cellRow + ((x / CELL_SIZE) | 0);
      grid.counts[cell] = (grid.counts[cell] ?? 0) + 1;
      if (x < (grid.minX[cell] ?? 0)) grid.minX[cell] = x;
      if (x > (grid.maxX[cell] ?? 0)) grid.maxX[cell] = x;
      if (y < (grid.minY[cell] ?? 0)) grid.minY[cell] = y;
      grid.maxY[cell] = y;
    }
  }
  return grid;
}
