import type { ChangeGrid } from './change-grid.ts';

// The heatmap: change density per grid cell, smoothed, coloured blue (sparse) → red (the
// densest area of this comparison) over the observed image, greyed so the colours read.
// Heat and grey are quantised (11 heat levels × 21 greys) into one 8-bit palette. The field is
// interpolated per pixel, and drawn, by the native kernel (render-images.ts).

/** Box-blur radius in cells; two passes approximate a Gaussian of about 2 cells (16 px). */
const BLUR_RADIUS = 2;
const BLUR_PASSES = 2;
/** Blurred density below this share of the peak stays transparent. */
const VISIBLE_FROM = 0.002;
const MAX_OPACITY = 0.75;
/** The (square-rooted) share of the peak from which heat is drawn at MAX_OPACITY. */
const FULL_OPACITY_FROM = 0.3;
/** Opacity of the greyed observed image under the heat. */
const BACKGROUND_OPACITY = 0.5;
export const HEAT_LEVELS = 12; // 0 = no heat
export const GREY_LEVELS = 21;

/**
 * Heat per cell, 0 (none) to 1 (the peak): blurred density relative to the peak, square-rooted
 * so that small changes stay visible next to large ones.
 */
export function heatField(grid: ChangeGrid): Float32Array {
  const { columns, rows } = grid;
  let density: Float32Array = new Float32Array(columns * rows);
  for (let i = 0; i < density.length; i++) density[i] = grid.counts[i] ?? 0;
  for (let pass = 0; pass < BLUR_PASSES; pass++) {
    density = boxBlur(density, columns, rows, true);
    density = boxBlur(density, columns, rows, false);
  }
  let peak = 0;
  for (const value of density) if (value > peak) peak = value;
  if (peak === 0) return density;
  for (let i = 0; i < density.length; i++) {
    const share = (density[i] ?? 0) / peak;
    density[i] = share < VISIBLE_FROM ? 0 : Math.sqrt(share);
  }
  return density;
}

/** Palette offset of the heatmap's background grey for each luma 0..255. */
export const heatGreyIndex = new Uint8Array(256);
const greyLevelValues: number[] = [];
for (let g = 0; g < GREY_LEVELS; g++)
  greyLevelValues.push(
    Math.round(255 * (1 - BACKGROUND_OPACITY) + (g * 255 * BACKGROUND_OPACITY) / (GREY_LEVELS - 1)),
  );
for (let luma = 0; luma < 256; luma++) {
  heatGreyIndex[luma] = Math.round((luma / 255) * (GREY_LEVELS - 1));
}

export const heatPalette = new Uint8Array(HEAT_LEVELS * GREY_LEVELS * 3);
for (let h = 0; h < HEAT_LEVELS; h++) {
  const t = h === 0 ? 0 : (h - 1) / (HEAT_LEVELS - 2);
  const alpha =
    h === 0
      ? 0
      : MAX_OPACITY * Math.min(1, Math.max(t, 0.5 / (HEAT_LEVELS - 2)) / FULL_OPACITY_FROM);
  const [r, g, b] = ramp(t);
  for (let level = 0; level < GREY_LEVELS; level++) {
    const grey = greyLevelValues[level] ?? 255;
    const i = (h * GREY_LEVELS + level) * 3;
    heatPalette[i] = Math.round(grey + (r - grey) * alpha);
    heatPalette[i + 1] = Math.round(grey + (g - grey) * alpha);
    heatPalette[i + 2] = Math.round(grey + (b - grey) * alpha);
  }
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
