/**
 * Which pixels of the comparison canvas (the larger width × the larger height) count as changed:
 * 1 = changed, 0 = not. `changedRows` lets later passes skip untouched rows.
 */
export interface DiffMask {
  width: number;
  height: number;
  pixels: Uint8Array;
  changedRows: Uint8Array;
}

export function createDiffMask(width: number, height: number): DiffMask {
  return {
    width,
    height,
    pixels: new Uint8Array(width * height),
    changedRows: new Uint8Array(height),
  };
}
