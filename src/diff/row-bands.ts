/**
 * A share of an image's rows: bands of `bandHeight` rows dealt round-robin to `parts` threads,
 * this being part `part`. Interleaved bands balance the work when the changes are bunched in
 * one area. bandHeight is a multiple of the grid's CELL_SIZE, so no cell spans two parts.
 */
export interface RowBands {
  bandHeight: number;
  part: number;
  parts: number;
}

export function allRows(height: number): RowBands {
  return { bandHeight: Math.max(1, height), part: 0, parts: 1 };
}

export const BAND_HEIGHT = 64;
