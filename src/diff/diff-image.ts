import type { Rect } from '../shared/domain.ts';
import type { DiffMask } from './diff-mask.ts';
import type { RgbaImage } from './decode-png.ts';

// Colours as little-endian RGBA words (0xAABBGGRR).
const CHANGED = 0xff4000ff; // rgb(255, 0, 64)
const OUTSIDE = 0xffffffff; // canvas area covered by neither image
const HATCH = 0xff9c6a4a; // rgb(74, 106, 156)
const HATCH_PERIOD = 10;
const HATCH_WIDTH = 3;
/** Opacity of the greyed observed image under the highlights (pixelmatch uses 0.1). */
const BACKGROUND_OPACITY = 0.3;

const greyByLuma = new Uint32Array(256);
for (let luma = 0; luma < 256; luma++) {
  const v = Math.round(255 + (luma - 255) * BACKGROUND_OPACITY);
  greyByLuma[luma] = (0xff000000 | (v << 16) | (v << 8) | v) >>> 0;
}

function greyOf(word: number): number {
  const r = word & 0xff;
  const g = (word >>> 8) & 0xff;
  const b = (word >>> 16) & 0xff;
  const a = word >>> 24;
  let luma = (r * 77 + g * 150 + b * 29) >> 8;
  if (a < 255) luma = (255 + ((luma - 255) * a) / 255) | 0;
  return greyByLuma[luma] ?? OUTSIDE;
}

// Half way between the greyed pixel and the highlight: content that exists in one image only.
function tinted(word: number): number {
  const grey = greyOf(word) & 0xff;
  const r = (grey + 255) >> 1;
  const gb = grey >> 1;
  return (0xff000000 | (((gb + 32) & 0xff) << 16) | (gb << 8) | r) >>> 0;
}

/**
 * The diff image on the comparison canvas: the observed image greyed and faded, changed pixels
 * in strong red, areas present in only one image tinted red, ignored areas hatched.
 * Returns raw RGBA.
 */
export function renderDiffImage(
  baseline: RgbaImage,
  observed: RgbaImage,
  mask: DiffMask,
  ignored: readonly Rect[],
): Buffer {
  const { width, height, pixels, changedRows } = mask;
  const out = Buffer.allocUnsafe(width * height * 4);
  const out32 = new Uint32Array(out.buffer, out.byteOffset, width * height);
  const obs32 = new Uint32Array(
    observed.data.buffer,
    observed.data.byteOffset,
    observed.width * observed.height,
  );
  const base32 = new Uint32Array(
    baseline.data.buffer,
    baseline.data.byteOffset,
    baseline.width * baseline.height,
  );
  const commonWidth = Math.min(baseline.width, observed.width);
  const commonHeight = Math.min(baseline.height, observed.height);

  for (let y = 0; y < height; y++) {
    const rowOut = y * width;
    const rowObs = y * observed.width;
    const commonEnd = y < commonHeight ? commonWidth : 0;
    if (changedRows[y] === 1) {
      for (let x = 0; x < commonEnd; x++) {
        out32[rowOut + x] = pixels[rowOut + x] === 1 ? CHANGED : greyOf(obs32[rowObs + x] ?? 0);
      }
    } else {
      for (let x = 0; x < commonEnd; x++) out32[rowOut + x] = greyOf(obs32[rowObs + x] ?? 0);
    }
    for (let x = commonEnd; x < width; x++) {
      let word = OUTSIDE;
      if (x < observed.width && y < observed.height) word = obs32[rowObs + x] ?? 0;
      else if (x < baseline.width && y < baseline.height)
        word = base32[y * baseline.width + x] ?? 0;
      else {
        out32[rowOut + x] = OUTSIDE;
        continue;
      }
      out32[rowOut + x] = pixels[rowOut + x] === 1 ? tinted(word) : greyOf(word);
    }
  }

  for (const r of ignored) {
    for (let y = r.y; y < r.y + r.height; y++) {
      for (let x = r.x; x < r.x + r.width; x++) {
        if ((x + y) % HATCH_PERIOD < HATCH_WIDTH) out32[y * width + x] = HATCH;
      }
    }
  }
  return out;
}
