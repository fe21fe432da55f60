import type { CDPSession } from 'playwright-core';
import type { ScriptPage } from './capture-page.ts';
import sharp from 'sharp';
import type { Rect } from '../shared/domain.ts';

/** Chromium cannot composite taller surfaces reliably: taller pages are captured in segments. */
export const segmentHeight = 16_384;
/** Pages taller than this are cut (and logged): a bound on memory and encoding time. */
export const maxCaptureHeight = 100_000;

export interface FullPageShot {
  png: Buffer;
  width: number;
  height: number;
  /** The document height, when it exceeded maxCaptureHeight. */
  cutFromHeight?: number;
}

/**
 * Full-page PNG: captureBeyondViewport renders the document without resizing the viewport (so
 * 100vh layouts keep their height), and optimizeForSpeed trades PNG size for a much cheaper
 * encode. One CDP call up to segmentHeight; a taller page is captured in segments of at most
 * segmentHeight px, stitched into one image. The encoding is deterministic: same pixels, same
 * bytes.
 */
export async function captureFullPage(
  cdp: CDPSession,
  /** The device scale factor: the image is this many device pixels per CSS pixel. */
  scale = 1,
): Promise<FullPageShot> {
  const metrics = await cdp.send('Page.getLayoutMetrics');
  const width = Math.ceil(metrics.cssContentSize.width);
  const documentHeight = Math.ceil(metrics.cssContentSize.height);
  // Heights in CSS px; the image has `scale` device pixels per CSS pixel, and both limits are
  // in device pixels (the texture size per segment, the stitched image's height).
  const height = Math.min(documentHeight, Math.floor(maxCaptureHeight / scale));
  const segmentCss = Math.floor(segmentHeight / scale);
  const segments: { png: Buffer; top: number }[] = [];
  for (let top = 0; top < height; top += segmentCss) {
    const { data } = await cdp.send('Page.captureScreenshot', {
      format: 'png',
      optimizeForSpeed: true,
      captureBeyondViewport: true,
      fromSurface: true,
      clip: { x: 0, y: top, width, height: Math.min(segmentCss, height - top), scale },
    });
    segments.push({ png: Buffer.from(data, 'base64'), top: Math.round(top * scale) });
  }
  const png =
    segments.length === 1 && segments[0] ? segments[0].png : await stitchSegments(segments);
  const size = pngSize(png);
  const shot: FullPageShot = { png, width: size.width, height: size.height };
  if (documentHeight > height) shot.cutFromHeight = documentHeight;
  return shot;
}

/** One image of the segments, each below the one before. */
export async function stitchSegments(segments: { png: Buffer; top: number }[]): Promise<Buffer> {
  const sizes = segments.map((segment) => pngSize(segment.png));
  const width = Math.max(...sizes.map((size) => size.width));
  const last = segments.length - 1;
  const height = (segments[last]?.top ?? 0) + (sizes[last]?.height ?? 0);
  return sharp({
    create: { width, height, channels: 4, background: { r: 255, g: 255, b: 255, alpha: 1 } },
    limitInputPixels: false,
  })
    .composite(segments.map((segment) => ({ input: segment.png, top: segment.top, left: 0 })))
    .png({ compressionLevel: 1 })
    .toBuffer();
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
  page: ScriptPage,
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
