import sharp from 'sharp';
import type { CaptureRequest } from './capture.types.ts';
import { defaultDeterminism } from './determinism-defaults.ts';

/** A request with every option off: tests switch on what they exercise. */
export function captureRequest(
  url: string,
  overrides: Partial<CaptureRequest> = {},
): CaptureRequest {
  return {
    url,
    browser: 'chromium',
    viewport: { width: 1280, height: 800 },
    pageActions: [],
    taskActions: [],
    hideSelectors: [],
    removeSelectors: [],
    maskSelectors: [],
    waitMs: 0,
    suppressAnimations: true,
    hideCaret: true,
    cookieBanner: { removeSelectors: [], cookies: [] },
    trace: false,
    determinism: defaultDeterminism(`${url}|${overrides.viewport?.width ?? 1280}`),
    ...overrides,
  };
}

export type Pixel = [number, number, number];

/** RGB of the pixel at (x, y) of a PNG. */
export async function pixelAt(png: Buffer, x: number, y: number): Promise<Pixel> {
  const { data, info } = await sharp(png)
    .extract({ left: x, top: y, width: 1, height: 1 })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || data.length < 3) throw new Error('unexpected pixel format');
  return [data[0] ?? 0, data[1] ?? 0, data[2] ?? 0];
}

/** The rows (y, top to bottom) of column `x` of a PNG whose pixel is exactly `color`. */
export async function rowsOfColor(png: Buffer, x: number, color: Pixel): Promise<number[]> {
  const { data, info } = await sharp(png)
    .extract({ left: x, top: 0, width: 1, height: (await sharp(png).metadata()).height ?? 0 })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const rows: number[] = [];
  for (let y = 0; y < info.height; y++) {
    const i = y * info.channels;
    if (data[i] === color[0] && data[i + 1] === color[1] && data[i + 2] === color[2]) rows.push(y);
  }
  return rows;
}

export function hexToRgb(hex: string): Pixel {
  const value = Number.parseInt(hex.replace('#', ''), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}
