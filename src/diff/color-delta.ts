// Perceptual colour difference, ported from pixelmatch 7 (ISC, Mapbox) so that `threshold`
// means exactly what it means there: "Measuring perceived color difference using YIQ NTSC
// transmission color space in mobile applications" (Kotsarenko, Ramos).

/** The largest possible YIQ delta; a threshold t accepts deltas up to MAX_YIQ_DELTA * t². */
export const MAX_YIQ_DELTA = 35215;

export function maxDeltaFor(threshold: number): number {
  return MAX_YIQ_DELTA * threshold * threshold;
}

// Semi-transparent pixels are blended over pixelmatch's checkerboard before comparing.
function checkerR(k: number): number {
  return 48 + 159 * (k % 2);
}
function checkerG(k: number): number {
  return 48 + 159 * (((k / 1.618033988749895) | 0) % 2);
}
function checkerB(k: number): number {
  return 48 + 159 * (((k / 2.618033988749895) | 0) % 2);
}

/**
 * Squared YIQ distance between the pixels at byte offset `k` of both images; negative when the
 * img2 pixel is darker (pixelmatch's sign convention). The caller guarantees the pixels differ.
 */
export function colorDelta(img1: Uint8Array, img2: Uint8Array, k: number): number {
  const r1 = img1[k] ?? 0;
  const g1 = img1[k + 1] ?? 0;
  const b1 = img1[k + 2] ?? 0;
  const a1 = img1[k + 3] ?? 0;
  const r2 = img2[k] ?? 0;
  const g2 = img2[k + 1] ?? 0;
  const b2 = img2[k + 2] ?? 0;
  const a2 = img2[k + 3] ?? 0;

  let dr = r1 - r2;
  let dg = g1 - g2;
  let db = b1 - b2;
  if (a1 < 255 || a2 < 255) {
    const da = a1 - a2;
    dr = (r1 * a1 - r2 * a2 - checkerR(k) * da) / 255;
    dg = (g1 * a1 - g2 * a2 - checkerG(k) * da) / 255;
    db = (b1 * a1 - b2 * a2 - checkerB(k) * da) / 255;
  }

  const y = dr * 0.29889531 + dg * 0.58662247 + db * 0.11448223;
  const i = dr * 0.59597799 - dg * 0.2741761 - db * 0.32180189;
  const q = dr * 0.21147017 - dg * 0.52261711 + db * 0.31114694;
  const delta = 0.5053 * y * y + 0.299 * i * i + 0.1957 * q * q;
  return y > 0 ? -delta : delta;
}

/** Brightness (Y) difference between pixels at byte offsets k and m of one image. */
export function brightnessDelta(img: Uint8Array, k: number, m: number): number {
  const r1 = img[k] ?? 0;
  const g1 = img[k + 1] ?? 0;
  const b1 = img[k + 2] ?? 0;
  const a1 = img[k + 3] ?? 0;
  const r2 = img[m] ?? 0;
  const g2 = img[m + 1] ?? 0;
  const b2 = img[m + 2] ?? 0;
  const a2 = img[m + 3] ?? 0;

  let dr = r1 - r2;
  let dg = g1 - g2;
  let db = b1 - b2;
  const da = a1 - a2;
  if (!dr && !dg && !db && !da) return 0;
  if (a1 < 255 || a2 < 255) {
    dr = (r1 * a1 - r2 * a2 - checkerR(k) * da) / 255;
    dg = (g1 * a1 - g2 * a2 - checkerG(k) * da) / 255;
    db = (b1 * a1 - b2 * a2 - checkerB(k) * da) / 255;
  }
  return dr * 0.29889531 + dg * 0.58662247 + db * 0.11448223;
}

/** colorDelta for two opaque pixels given as little-endian RGBA words (same result). */
export function colorDeltaOpaque(word1: number, word2: number): number {
  const dr = (word1 & 0xff) - (word2 & 0xff);
  const dg = ((word1 >>> 8) & 0xff) - ((word2 >>> 8) & 0xff);
  const db = ((word1 >>> 16) & 0xff) - ((word2 >>> 16) & 0xff);
  const y = dr * 0.29889531 + dg * 0.58662247 + db * 0.11448223;
  const i = dr * 0.59597799 - dg * 0.2741761 - db * 0.32180189;
  const q = dr * 0.21147017 - dg * 0.52261711 + db * 0.31114694;
  const delta = 0.5053 * y * y + 0.299 * i * i + 0.1957 * q * q;
  return y > 0 ? -delta : delta;
}
