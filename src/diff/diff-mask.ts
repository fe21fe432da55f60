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

/** `shared`: in shared memory, for threads that compare bands of rows of one image pair. */
export function createDiffMask(width: number, height: number, shared = false): DiffMask {
  return {
    width,
    height,
    pixels: new Uint8Array(memory(width * height, shared)),
    changedRows: new Uint8Array(memory(height, shared)),
  };
}

export function memory(bytes: number, shared: boolean): ArrayBuffer | SharedArrayBuffer {
  return shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}
