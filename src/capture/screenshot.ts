import type { CDPSession, Page } from 'playwright-core';
import type { Rect } from '../shared/domain.ts';

/** Chromium cannot composite taller surfaces reliably; taller pages are cut (and logged). */
export const maxCaptureHeight = 16_384;

export interface FullPageShot {
  png: Buffer;
  width: number;
  height: number;
  /** The document height, when it exceeded maxCaptureHeight. */
  cutFromHeight?: number;
}

/**
 * Full-page PNG in one CDP call: captureBeyondViewport renders the whole document without
 * resizing the viewport (so 100vh layouts keep their height), and optimizeForSpeed trades
 * PNG size for a much cheaper encode. The encoding is deterministic: same pixels, same bytes.
 */
export async function captureFullPage(
  cdp: CDPSession,
  /** The device scale factor: the image is this many device pixels per CSS pixel. */
  scale = 1,
): Promise<FullPageShot> {
  const metrics = await cdp.send('Page.getLayoutMetrics');
  const width = Math.ceil(metrics.cssContentSize.width);
  const documentHeight = Math.ceil(metrics.cssContentSize.height);
  const height = Math.min(documentHeight, Math.floor(maxCaptureHeight / scale));
  const { data } = await cdp.send('Page.captureScreenshot', {
    format: 'png',
    optimizeForSpeed: true,
    captureBeyondViewport: true,
    fromSurface: true,
    clip: { x: 0, y: 0, width, height, scale },
  });
  const png = Buffer.from(data, 'base64');
  const size = pngSize(png);
  const shot: FullPageShot = { png, width: size.width, height: size.height };
  if (documentHeight > height) shot.cutFromHeight = documentHeight;
  return shot;
}

/** Width and height from the IHDR chunk, without decoding the image. */
export function pngSize(png: Buffer): { width: number; height: number } {
  const signature = '89504e470d0a1a0a';
  if (png.length < 24 || png.subarray(0, 8).toString('hex') !== signature) {
    throw new Error('the browser returned an image that is not a PNG');
  }
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Document rectangles of every element matching the selectors, clipped to the capture. */
export async function resolveMaskRects(
  page: Page,
  selectors: string[],
  bounds: { width: number; height: number },
): Promise<Rect[]> {
  if (selectors.length === 0) return [];
  const outcome = await page.evaluate(
    ({ selectors: list, width, height }) => {
      const rects: { x: number; y: number; width: number; height: number }[] = [];
      const invalid: string[] = [];
      for (const selector of list) {
        let elements: Element[];
        try {
          elements = Array.from(document.querySelectorAll(selector));
        } catch {
          invalid.push(selector);
          continue;
        }
        for (const element of elements) {
          const box = element.getBoundingClientRect();
          const left = Math.max(0, Math.floor(box.left + window.scrollX));
          const top = Math.max(0, Math.floor(box.top + window.scrollY));
          const right = Math.min(width, Math.ceil(box.right + window.scrollX));
          const bottom = Math.min(height, Math.ceil(box.bottom + window.scrollY));
          if (right > left && bottom > top) {
            rects.push({ x: left, y: top, width: right - left, height: bottom - top });
          }
        }
      }
      return { rects, invalid };
    },
    { selectors, width: bounds.width, height: bounds.height },
  );
  if (outcome.invalid.length > 0) {
    throw new Error(`invalid CSS selector ${outcome.invalid.map((s) => `"${s}"`).join(', ')}`);
  }
  return outcome.rects;
}
