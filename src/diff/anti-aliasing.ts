import { brightnessDelta } from './color-delta.ts';

// Anti-aliasing detection, ported from pixelmatch 7 (ISC, Mapbox): "Anti-aliased Pixel and
// Intensity Slope Detector" (V. Vysniauskas, 2009). Kept line-for-line equivalent so Scene's
// counts agree with pixelmatch's at the same threshold.

/** Whether the pixel has 3+ neighbours of exactly its colour (the image border counts as one). */
export function hasManySiblings(
  img32: Uint32Array,
  x1: number,
  y1: number,
  width: number,
  height: number,
): boolean {
  const x0 = Math.max(x1 - 1, 0);
  const y0 = Math.max(y1 - 1, 0);
  const x2 = Math.min(x1 + 1, width - 1);
  const y2 = Math.min(y1 + 1, height - 1);
  const value = img32[y1 * width + x1];
  let zeroes = x1 === x0 || x1 === x2 || y1 === y0 || y1 === y2 ? 1 : 0;
  for (let x = x0; x <= x2; x++) {
    for (let y = y0; y <= y2; y++) {
      if (x === x1 && y === y1) continue;
      if (value === img32[y * width + x]) zeroes++;
      if (zeroes > 2) return true;
    }
  }
  return false;
}

/** Whether pixel (x1, y1) of `img` is likely anti-aliasing; a32/b32 are the two images as words. */
export function isAntiAliased(
  img: Uint8Array,
  x1: number,
  y1: number,
  width: number,
  height: number,
  a32: Uint32Array,
  b32: Uint32Array,
): boolean {
  const x0 = Math.max(x1 - 1, 0);
  const y0 = Math.max(y1 - 1, 0);
  const x2 = Math.min(x1 + 1, width - 1);
  const y2 = Math.min(y1 + 1, height - 1);
  const center = (y1 * width + x1) * 4;
  let zeroes = x1 === x0 || x1 === x2 || y1 === y0 || y1 === y2 ? 1 : 0;
  let min = 0;
  let max = 0;
  let minX = 0;
  let minY = 0;
  let maxX = 0;
  let maxY = 0;

  for (let x = x0; x <= x2; x++) {
    for (let y = y0; y <= y2; y++) {
      if (x === x1 && y === y1) continue;
      const delta = brightnessDelta(img, center, (y * width + x) * 4);
      if (delta === 0) {
        zeroes++;
        // more than 2 equal siblings: definitely not anti-aliasing
        if (zeroes > 2) return false;
      } else if (delta < min) {
        min = delta;
        minX = x;
        minY = y;
      } else if (delta > max) {
        max = delta;
        maxX = x;
        maxY = y;
      }
    }
  }

  // anti-aliasing needs both a darker and a brighter neighbour
  if (min === 0 || max === 0) return false;

  // ... and the darkest or brightest of them must be solid (3+ equal siblings) in both images
  return (
    (hasManySiblings(a32, minX, minY, width, height) &&
      hasManySiblings(b32, minX, minY, width, height)) ||
    (hasManySiblings(a32, maxX, maxY, width, height) &&
      hasManySiblings(b32, maxX, maxY, width, height))
  );
}
