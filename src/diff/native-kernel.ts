import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * The per-pixel loops of a comparison, in C (src/diff/native/diff-kernel.c, a Node-API addon
 * built by `npm run build:native`, which bin/setup runs). The callers in compare-pixels.ts and
 * render-images.ts document the arguments; every buffer is allocated on this side.
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

const addonPath = fileURLToPath(new URL('../../build/Release/diff_kernel.node', import.meta.url));

function loadKernel(): DiffKernel {
  if (!existsSync(addonPath)) {
    throw new Error(
      `Scene's diff kernel is not built (${addonPath} is missing): run bin/setup, or npm run build:native`,
    );
  }
  return createRequire(import.meta.url)(addonPath) as DiffKernel;
}

export const kernel = loadKernel();
