import { brightnessDelta } from './color-delta.ts';

// Anti-aliasing detection, ported from pixelmatch 7 (ISC, Mapbox): "Anti-aliased Pixel and
// Intensity Slope Detector" (V. Vysniauskas, 2009). Kept line-for-line equivalent so Scene's
// counts agree with pixelmatch's at the same threshold.

/** Whether the pixel has 3+ neighbours of exactly its colour (the image border counts as one). */
export function hasManySiblings(
  img32: Int32Array,
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
  a32: Int32Array,
  b32: Int32Array,
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

/**
 * isAntiAliased for fully opaque images, reading precomputed brightness: `brightness` holds rows
 * y1-1, y1 and y1+1 at offsets above, current and below (unused when off the image). Interior
 * pixels take an unrolled path; the neighbour order (x outer, y inner) is pixelmatch's, so ties
 * between equally dark or bright neighbours resolve identically.
 */
export function isAntiAliasedOpaque(
  brightness: Float64Array,
  above: number,
  current: number,
  below: number,
  x1: number,
  y1: number,
  width: number,
  height: number,
  a32: Int32Array,
  b32: Int32Array,
): boolean {
  if (x1 === 0 || y1 === 0 || x1 === width - 1 || y1 === height - 1) {
    return isAntiAliasedOpaqueAtBorder(
      brightness,
      above,
      current,
      below,
      x1,
      y1,
      width,
      height,
      a32,
      b32,
    );
  }
  const center = brightness[current + x1] ?? 0;
  // deltas to the 8 neighbours in pixelmatch's visiting order
  const d0 = center - (brightness[above + x1 - 1] ?? 0);
  const d1 = center - (brightness[current + x1 - 1] ?? 0);
  const d2 = center - (brightness[below + x1 - 1] ?? 0);
  const d3 = center - (brightness[above + x1] ?? 0);
  const d4 = center - (brightness[below + x1] ?? 0);
  const d5 = center - (brightness[above + x1 + 1] ?? 0);
  const d6 = center - (brightness[current + x1 + 1] ?? 0);
  const d7 = center - (brightness[below + x1 + 1] ?? 0);
  const zeroes =
    +(d0 === 0) +
    +(d1 === 0) +
    +(d2 === 0) +
    +(d3 === 0) +
    +(d4 === 0) +
    +(d5 === 0) +
    +(d6 === 0) +
    +(d7 === 0);
  if (zeroes > 2) return false;

  let min = 0;
  let max = 0;
  let minIndex = -1;
  let maxIndex = -1;
  // mirrors the loop's else-if chain: a delta only competes for max when it is not a new min
  if (d0 < min) {
    min = d0;
    minIndex = 0;
  } else if (d0 > max) {
    max = d0;
    maxIndex = 0;
  }
  if (d1 < min) {
    min = d1;
    minIndex = 1;
  } else if (d1 > max) {
    max = d1;
    maxIndex = 1;
  }
  if (d2 < min) {
    min = d2;
    minIndex = 2;
  } else if (d2 > max) {
    max = d2;
    maxIndex = 2;
  }
  if (d3 < min) {
    min = d3;
    minIndex = 3;
  } else if (d3 > max) {
    max = d3;
    maxIndex = 3;
  }
  if (d4 < min) {
    min = d4;
    minIndex = 4;
  } else if (d4 > max) {
    max = d4;
    maxIndex = 4;
  }
  if (d5 < min) {
    min = d5;
    minIndex = 5;
  } else if (d5 > max) {
    max = d5;
    maxIndex = 5;
  }
  if (d6 < min) {
    min = d6;
    minIndex = 6;
  } else if (d6 > max) {
    max = d6;
    maxIndex = 6;
  }
  if (d7 < min) {
    min = d7;
    minIndex = 7;
  } else if (d7 > max) {
    max = d7;
    maxIndex = 7;
  }
  if (minIndex < 0 || maxIndex < 0) return false;

  const minX = x1 + (neighbourDx[minIndex] ?? 0);
  const minY = y1 + (neighbourDy[minIndex] ?? 0);
  const maxX = x1 + (neighbourDx[maxIndex] ?? 0);
  const maxY = y1 + (neighbourDy[maxIndex] ?? 0);
  return (
    (hasManySiblings(a32, minX, minY, width, height) &&
      hasManySiblings(b32, minX, minY, width, height)) ||
    (hasManySiblings(a32, maxX, maxY, width, height) &&
      hasManySiblings(b32, maxX, maxY, width, height))
  );
}

const neighbourDx = [-1, -1, -1, 0, 0, 1, 1, 1] as const;
const neighbourDy = [-1, 0, 1, -1, 1, -1, 0, 1] as const;

function isAntiAliasedOpaqueAtBorder(
  brightness: Float64Array,
  above: number,
  current: number,
  below: number,
  x1: number,
  y1: number,
  width: number,
  height: number,
  a32: Int32Array,
  b32: Int32Array,
): boolean {
  const x0 = Math.max(x1 - 1, 0);
  const y0 = Math.max(y1 - 1, 0);
  const x2 = Math.min(x1 + 1, width - 1);
  const y2 = Math.min(y1 + 1, height - 1);
  const center = brightness[current + x1] ?? 0;
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
      const row = y < y1 ? above : y > y1 ? below : current;
      const delta = center - (brightness[row + x] ?? 0);
      if (delta === 0) {
        zeroes++;
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

  if (min === 0 || max === 0) return false;
  return (
    (hasManySiblings(a32, minX, minY, width, height) &&
      hasManySiblings(b32, minX, minY, width, height)) ||
    (hasManySiblings(a32, maxX, maxY, width, height) &&
      hasManySiblings(b32, maxX, maxY, width, height))
  );
}
