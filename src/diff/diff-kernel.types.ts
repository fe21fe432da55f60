// The contract of the diff kernel, native (src/diff/native) or JavaScript (js-kernel.ts).

/**
 * The per-pixel loops of a comparison. The callers in compare-pixels.ts and render-images.ts
 * document the arguments; every buffer is allocated by the caller.
 */
export interface DiffKernel {
  compare: (
    baseline: Uint8Array,
    observed: Uint8Array,
    width: number,
    height: number,
    maxDelta: number,
    flags: number,
    ignored: Int32Array,
    maskPixels: Uint8Array,
    maskWidth: number,
    changedRows: Uint8Array,
    counts: Uint16Array,
    minX: Int32Array,
    minY: Int32Array,
    maxX: Int32Array,
    maxY: Int32Array,
    columns: number,
  ) => number;
  render: (
    baseline: Uint8Array,
    baselineWidth: number,
    baselineHeight: number,
    observed: Uint8Array,
    observedWidth: number,
    observedHeight: number,
    opaque: number,
    maskPixels: Uint8Array,
    changedRows: Uint8Array,
    width: number,
    height: number,
    diffOut: Uint8Array | null,
    heatOut: Uint8Array | null,
    heatField: Float32Array,
    columns: number,
    rows: number,
    paletteIndices: Uint8Array,
    constants: Int32Array,
  ) => void;
}
