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
  /**
   * Where the image's top-left corner is in the document, in CSS pixels: (0, 0) for a full page,
   * the element's corner for an element capture. Mask and ignore rectangles move by it.
   */
  origin: { x: number; y: number };
}

/** A rectangle of the document, in CSS pixels. */
export interface DocumentRegion {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Full-page PNG: captureBeyondViewport renders the document without resizing the viewport (so
 * 100vh layouts keep their height), and optimizeForSpeed trades PNG size for a much cheaper
 * encode. The encoding is deterministic: same pixels, same bytes.
 */
export async function captureFullPage(
  cdp: CDPSession,
  /** The device scale factor: the image is this many device pixels per CSS pixel. */
  scale = 1,
): Promise<FullPageShot> {
  const metrics = await cdp.send('Page.getLayoutMetrics');
  const width = Math.ceil(metrics.cssContentSize.width);
  const height = Math.ceil(metrics.cssContentSize.height);
  return captureRegion(cdp, { x: 0, y: 0, width, height }, scale);
}

/**
 * A region of the document (a full page, an element): one CDP call up to segmentHeight; a
 * taller region is captured in segments of at most segmentHeight px, stitched into one image.
 * `beyondViewport` false captures what the viewport shows (the region must lie within it).
 */
export function captureRegion(
  cdp: CDPSession,
  region: DocumentRegion,
  scale = 1,
  beyondViewport = true,
): Promise<FullPageShot> {
  return captureSegments(region, scale, async (clip) => {
    const { data } = await cdp.send('Page.captureScreenshot', {
      format: 'png',
      optimizeForSpeed: true,
      captureBeyondViewport: beyondViewport,
      fromSurface: true,
      clip: { ...clip, scale },
    });
    return Buffer.from(data, 'base64');
  });
}

/**
 * A region in segments of at most segmentHeight device pixels, each taken by `shoot` (a clip of
 * the document in CSS pixels, at `scale`), stitched below one another; a region taller than
 * maxCaptureHeight device pixels is cut there. Both drivers' screenshots go through here.
 */
export async function captureSegments(
  region: DocumentRegion,
  scale: number,
  shoot: (clip: DocumentRegion) => Promise<Buffer>,
): Promise<FullPageShot> {
  // Heights in CSS px; the image has `scale` device pixels per CSS pixel, and both limits are
  // in device pixels (the texture size per segment, the stitched image's height).
  const height = Math.min(region.height, Math.floor(maxCaptureHeight / scale));
  const segmentCss = Math.floor(segmentHeight / scale);
  const segments: { png: Buffer; top: number }[] = [];
  for (let top = 0; top < height; top += segmentCss) {
    const png = await shoot({
      x: region.x,
      y: region.y + top,
      width: region.width,
      height: Math.min(segmentCss, height - top),
    });
    segments.push({ png, top: Math.round(top * scale) });
  }
  const png =
    segments.length === 1 && segments[0] ? segments[0].png : await stitchSegments(segments);
  const size = pngSize(png);
  const shot: FullPageShot = {
    png,
    width: size.width,
    height: size.height,
    origin: { x: region.x, y: region.y },
  };
  if (region.height > height) shot.cutFromHeight = region.height;
  return shot;
}

/**
 * The document region of the first element matching a CSS selector, rounded out to whole
 * pixels; throws a message for the user when it matches nothing, has no size or is not CSS.
 */
export async function elementRegion(
  page: ScriptPage,
  selector: string,
): Promise<DocumentRegion & { matches: number }> {
  const found = await page.evaluate((css) => {
    let elements: Element[];
    try {
      elements = Array.from(document.querySelectorAll(css));
    } catch {
      return { invalid: true as const };
    }
    const first = elements[0];
    if (!first) return { matches: 0 };
    const box = first.getBoundingClientRect();
    const x = Math.max(0, Math.floor(box.left + window.scrollX));
    const y = Math.max(0, Math.floor(box.top + window.scrollY));
    return {
      matches: elements.length,
      region: {
        x,
        y,
        width: Math.ceil(box.right + window.scrollX) - x,
        height: Math.ceil(box.bottom + window.scrollY) - y,
      },
    };
  }, selector);
  if ('invalid' in found) throw new Error(`"${selector}" is not a valid CSS selector`);
  if (found.matches === 0 || !found.region) {
    throw new Error(`selector "${selector}" matches no element on the page`);
  }
  if (found.region.width <= 0 || found.region.height <= 0) {
    throw new Error(
      `selector "${selector}" matches an element with no size (${found.region.width}x${found.region.height} px): hidden or empty`,
    );
  }
  return { ...found.region, matches: found.matches };
}

/** What the viewport shows now, as a document region. */
export async function viewportRegion(page: ScriptPage): Promise<DocumentRegion> {
  return page.evaluate(() => ({
    x: Math.round(window.scrollX),
    y: Math.round(window.scrollY),
    width: window.innerWidth,
    height: window.innerHeight,
  }));
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

/**
 * Rectangles of every element matching the selectors, clipped to the captured region and
 * relative to its top-left corner (CSS pixels).
 */
export async function resolveMaskRects(
  page: ScriptPage,
  selectors: string[],
  region: DocumentRegion,
): Promise<Rect[]> {
  if (selectors.length === 0) return [];
  const outcome = await page.evaluate(
    ({ selectors: list, originX, originY, width, height }) => {
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
          const left = Math.max(0, Math.floor(box.left + window.scrollX) - originX);
          const top = Math.max(0, Math.floor(box.top + window.scrollY) - originY);
          const right = Math.min(width, Math.ceil(box.right + window.scrollX) - originX);
          const bottom = Math.min(height, Math.ceil(box.bottom + window.scrollY) - originY);
          if (right > left && bottom > top) {
            rects.push({ x: left, y: top, width: right - left, height: bottom - top });
          }
        }
      }
      return { rects, invalid };
    },
    {
      selectors,
      originX: region.x,
      originY: region.y,
      width: region.width,
      height: region.height,
    },
  );
  if (outcome.invalid.length > 0) {
    throw new Error(`invalid CSS selector ${outcome.invalid.map((s) => `"${s}"`).join(', ')}`);
  }
  return outcome.rects;
}
