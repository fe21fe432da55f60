// Plain-JS statements of two of the comparison's rules, for tests to check the native
// kernel's answers pixel by pixel (src/diff/compare-pixels.ts documents the rules).

/** Pixelmatch's YIQ colour delta of two opaque RGBA pixels at byte offset k (absolute). */
export function opaqueColorDelta(img1: Uint8Array, img2: Uint8Array, k: number): number {
  const dr = (img1[k] ?? 0) - (img2[k] ?? 0);
  const dg = (img1[k + 1] ?? 0) - (img2[k + 1] ?? 0);
  const db = (img1[k + 2] ?? 0) - (img2[k + 2] ?? 0);
  const y = dr * 0.29889531 + dg * 0.58662247 + db * 0.11448223;
  const i = dr * 0.59597799 - dg * 0.2741761 - db * 0.32180189;
  const q = dr * 0.21147017 - dg * 0.52261711 + db * 0.31114694;
  return 0.5053 * y * y + 0.299 * i * i + 0.1957 * q * q;
}

/** At least 3 of the neighbours that exist have exactly the pixel's colour. */
export function isInSolidArea(
  img32: Int32Array,
  x: number,
  y: number,
  width: number,
  height: number,
): boolean {
  let same = 0;
  for (let ny = Math.max(0, y - 1); ny <= Math.min(height - 1, y + 1); ny++) {
    for (let nx = Math.max(0, x - 1); nx <= Math.min(width - 1, x + 1); nx++) {
      if ((nx !== x || ny !== y) && img32[ny * width + nx] === img32[y * width + x]) same++;
    }
  }
  return same > 2;
}
