/** Side of a grid cell, in pixels: the unit of clustering and of the heatmap's density. */
export const CELL_SIZE = 8;
const CELL_SHIFT = 3;

/**
 * Changed pixels summarised per CELL_SIZE×CELL_SIZE cell: how many changed, and the tight pixel
 * bounds of those changes (so regions hug the changes, not the cell grid). Filled while
 * comparing, so the mask is never scanned again.
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

export function createChangeGrid(width: number, height: number): ChangeGrid {
  const columns = Math.ceil(width / CELL_SIZE);
  const rows = Math.ceil(height / CELL_SIZE);
  const cells = columns * rows;
  return {
    columns,
    rows,
    counts: new Uint16Array(cells),
    minX: new Int32Array(cells).fill(width),
    minY: new Int32Array(cells).fill(height),
    maxX: new Int32Array(cells).fill(-1),
    maxY: new Int32Array(cells).fill(-1),
  };
}

/** Records changed pixel (x, y). */
export function recordChange(grid: ChangeGrid, x: number, y: number): void {
  const cell = (y >> CELL_SHIFT) * grid.columns + (x >> CELL_SHIFT);
  grid.counts[cell] = (grid.counts[cell] ?? 0) + 1;
  if (x < (grid.minX[cell] ?? 0)) grid.minX[cell] = x;
  if (x > (grid.maxX[cell] ?? 0)) grid.maxX[cell] = x;
  if (y < (grid.minY[cell] ?? 0)) grid.minY[cell] = y;
  if (y > (grid.maxY[cell] ?? 0)) grid.maxY[cell] = y;
}
