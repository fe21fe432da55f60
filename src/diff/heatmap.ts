import type { ChangeGrid } from './change-grid.ts';
import { CELL_SIZE } from './change-grid.ts';
import type { RgbaImage } from './decode-png.ts';

/** Box-blur radius in cells; two passes approximate a Gaussian of about 2 cells (16 px). */
const BLUR_RADIUS = 2;
const BLUR_PASSES = 2;
/** Blurred density below this share of the peak stays transparent. */
const VISIBLE_FROM = 0.002;
const MAX_OPACITY = 0.75;
/** The (square-rooted) share of the peak from which heat is drawn at MAX_OPACITY. */
const FULL_OPACITY_FROM = 0.3;

/**
 * Change density per cell, smoothed and coloured (blue = sparse → red = the densest area of this
 * comparison), as a small RGBA image with one pixel per grid cell. Density is relative to the
 * peak and square-rooted so that small changes stay visible next to large ones.
 */
export function renderDensityOverlay(grid: ChangeGrid): Buffer {
  const { columns, rows } = grid;
  let density: Float32Array = new Float32Array(columns * rows);
  for (let i = 0; i < density.length; i++) density[i] = grid.counts[i] ?? 0;
  for (let pass = 0; pass < BLUR_PASSES; pass++) {
    density = boxBlur(density, columns, rows, true);
    density = boxBlur(density, columns, rows, false);
  }
  let peak = 0;
  for (const value of density) if (value > peak) peak = value;

  const overlay = Buffer.alloc(columns * rows * 4);
  if (peak === 0) return overlay;
  for (let i = 0; i < density.length; i++) {
    const share = (density[i] ?? 0) / peak;
    if (share < VISIBLE_FROM) continue;
    const t = Math.sqrt(share);
    const [r, g, b] = ramp(t);
    overlay[i * 4] = r;
    overlay[i * 4 + 1] = g;
    overlay[i * 4 + 2] = b;
    // fades in from the sparse edge so the overlay has no hard rim
    overlay[i * 4 + 3] = Math.round(255 * MAX_OPACITY * Math.min(1, t / FULL_OPACITY_FROM));
  }
  return overlay;
}

/** Opacity of the greyed observed image under the heat colours. */
const BACKGROUND_OPACITY = 0.5;

/**
 * The heatmap as raw RGBA on the comparison canvas: the density overlay scaled up bilinearly
 * (premultiplied, so transparent cells do not darken their neighbours) over the observed image,
 * greyed so the heat colours read. Rows without heat take a fast path.
 */
export function renderHeatmap(
  grid: ChangeGrid,
  observed: RgbaImage,
  width: number,
  height: number,
): Buffer {
  const overlay = renderDensityOverlay(grid);
  const { columns, rows } = grid;
  const premultiplied = premultiply(overlay);
  const cellRowHasHeat = new Uint8Array(rows);
  for (let i = 0; i < columns * rows; i++)
    if ((overlay[i * 4 + 3] ?? 0) > 0) cellRowHasHeat[(i / columns) | 0] = 1;

  const left = new Int32Array(width);
  const right = new Int32Array(width);
  const weight = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const [c0, c1, f] = interpolationAt(x, columns);
    left[x] = c0 * 4;
    right[x] = c1 * 4;
    weight[x] = f;
  }

  const out = Buffer.allocUnsafe(width * height * 4);
  const out32 = new Uint32Array(out.buffer, out.byteOffset, width * height);
  const obs32 = new Uint32Array(
    observed.data.buffer,
    observed.data.byteOffset,
    observed.width * observed.height,
  );
  const cellRow = new Float32Array(columns * 4);
  for (let y = 0; y < height; y++) {
    const [r0, r1, fy] = interpolationAt(y, rows);
    const hasHeat = cellRowHasHeat[r0] === 1 || cellRowHasHeat[r1] === 1;
    if (hasHeat) {
      for (let k = 0; k < columns * 4; k++) {
        const top = premultiplied[r0 * columns * 4 + k] ?? 0;
        cellRow[k] = top + ((premultiplied[r1 * columns * 4 + k] ?? 0) - top) * fy;
      }
    }
    const rowOut = y * width;
    const rowObs = y * observed.width;
    const visible = y < observed.height ? observed.width : 0;
    for (let x = 0; x < width; x++) {
      const grey = x < visible ? greyLevel(obs32[rowObs + x] ?? 0) : 255;
      if (!hasHeat) {
        out32[rowOut + x] = (0xff000000 | (grey * 0x010101)) >>> 0;
        continue;
      }
      const l = left[x] ?? 0;
      const r = right[x] ?? 0;
      const f = weight[x] ?? 0;
      const a = lerp(cellRow[l + 3] ?? 0, cellRow[r + 3] ?? 0, f);
      const keep = grey * (1 - a);
      const red = keep + lerp(cellRow[l] ?? 0, cellRow[r] ?? 0, f);
      const green = keep + lerp(cellRow[l + 1] ?? 0, cellRow[r + 1] ?? 0, f);
      const blue = keep + lerp(cellRow[l + 2] ?? 0, cellRow[r + 2] ?? 0, f);
      out32[rowOut + x] =
        (0xff000000 | ((blue & 0xff) << 16) | ((green & 0xff) << 8) | (red & 0xff)) >>> 0;
    }
  }
  return out;
}

function lerp(from: number, to: number, f: number): number {
  return from + (to - from) * f;
}

// Cell indices around output coordinate `p` (cell centres at CELL_SIZE/2) and the weight of the second.
function interpolationAt(p: number, cells: number): [number, number, number] {
  const position = (p + 0.5) / CELL_SIZE - 0.5;
  if (position <= 0) return [0, 0, 0];
  const first = Math.min(Math.floor(position), cells - 1);
  const second = Math.min(first + 1, cells - 1);
  return [first, second, position - Math.floor(position)];
}

// RGBA bytes → premultiplied floats: colour channels 0..255 × alpha, alpha 0..1.
function premultiply(rgba: Buffer): Float32Array {
  const out = new Float32Array(rgba.length);
  for (let i = 0; i < rgba.length; i += 4) {
    const alpha = (rgba[i + 3] ?? 0) / 255;
    out[i] = (rgba[i] ?? 0) * alpha;
    out[i + 1] = (rgba[i + 1] ?? 0) * alpha;
    out[i + 2] = (rgba[i + 2] ?? 0) * alpha;
    out[i + 3] = alpha;
  }
  return out;
}

function greyLevel(word: number): number {
  const luma =
    ((word & 0xff) * 77 + ((word >>> 8) & 0xff) * 150 + ((word >>> 16) & 0xff) * 29) >> 8;
  const alpha = word >>> 24;
  const visible = alpha === 255 ? luma : 255 + ((luma - 255) * alpha) / 255;
  return (255 + (visible - 255) * BACKGROUND_OPACITY) | 0;
}

// Blue → cyan → green → yellow → red.
function ramp(t: number): [number, number, number] {
  const stops: [number, number, number][] = [
    [40, 60, 255],
    [0, 200, 255],
    [40, 220, 60],
    [255, 220, 0],
    [255, 30, 0],
  ];
  const scaled = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const index = Math.min(stops.length - 2, Math.floor(scaled));
  const f = scaled - index;
  const from = stops[index] ?? [0, 0, 0];
  const to = stops[index + 1] ?? from;
  return [
    Math.round(from[0] + (to[0] - from[0]) * f),
    Math.round(from[1] + (to[1] - from[1]) * f),
    Math.round(from[2] + (to[2] - from[2]) * f),
  ];
}

function boxBlur(
  input: Float32Array,
  columns: number,
  rows: number,
  horizontal: boolean,
): Float32Array {
  const output = new Float32Array(input.length);
  const lines = horizontal ? rows : columns;
  const length = horizontal ? columns : rows;
  const stride = horizontal ? 1 : columns;
  const window = 2 * BLUR_RADIUS + 1;
  for (let line = 0; line < lines; line++) {
    const base = horizontal ? line * columns : line;
    let sum = 0;
    for (let k = 0; k <= Math.min(BLUR_RADIUS, length - 1); k++)
      sum += input[base + k * stride] ?? 0;
    for (let k = 0; k < length; k++) {
      output[base + k * stride] = sum / window;
      const entering = k + BLUR_RADIUS + 1;
      const leaving = k - BLUR_RADIUS;
      if (entering < length) sum += input[base + entering * stride] ?? 0;
      if (leaving >= 0) sum -= input[base + leaving * stride] ?? 0;
    }
  }
  return output;
}
