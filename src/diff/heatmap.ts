import sharp from 'sharp';
import type { ChangeGrid } from './change-grid.ts';
import { CELL_SIZE } from './change-grid.ts';
import type { RgbaImage } from './decode-png.ts';

/** Box-blur radius in cells; two passes approximate a Gaussian of about 2 cells (16 px). */
const BLUR_RADIUS = 2;
const BLUR_PASSES = 2;
/** Blurred density below this share of the peak stays transparent. */
const VISIBLE_FROM = 0.002;

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
    overlay[i * 4 + 3] = Math.round(255 * (0.3 + 0.45 * t));
  }
  return overlay;
}

/** The heatmap PNG: the density overlay scaled up smoothly over the observed image. */
export async function renderHeatmap(
  grid: ChangeGrid,
  observed: RgbaImage,
  width: number,
  height: number,
): Promise<Buffer> {
  const overlay = renderDensityOverlay(grid);
  let background = observed.data;
  if (observed.width !== width || observed.height !== height) {
    background = await sharp(observed.data, {
      raw: { width: observed.width, height: observed.height, channels: 4 },
    })
      .extend({
        right: width - observed.width,
        bottom: height - observed.height,
        background: '#ffffff',
      })
      .raw()
      .toBuffer();
  }
  return sharp(overlay, { raw: { width: grid.columns, height: grid.rows, channels: 4 } })
    .resize(grid.columns * CELL_SIZE, grid.rows * CELL_SIZE, { kernel: 'linear', fit: 'fill' })
    .extract({ left: 0, top: 0, width, height })
    .composite([{ input: background, raw: { width, height, channels: 4 }, blend: 'dest-over' }])
    .removeAlpha()
    .png({ compressionLevel: 1, adaptiveFiltering: false })
    .toBuffer();
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
