import type { RgbaImage } from './decode-png.ts';
import type { Alignment } from './diff.types.ts';

/**
 * The baseline image with detected moves undone, the size of the observed image: each observed
 * row shows the baseline row it came from (`rows`, a vertical shift per band), then each block
 * shows the baseline pixels it came from (`blocks`, in order: later ones win). Rows whose
 * source lies outside the baseline are transparent (they count as changed where the observed
 * image is not blank). Comparing this with the observed image shows what changed beyond the
 * moves: the aligned diff.
 */
export function alignBaseline(
  baseline: RgbaImage,
  width: number,
  height: number,
  alignment: Alignment,
): RgbaImage {
  const out = Buffer.alloc(width * height * 4);
  const copyWidth = Math.min(width, baseline.width) * 4;
  const rowDy = new Int32Array(height);
  for (const band of alignment.rows) {
    const top = Math.max(0, Math.round(band.y));
    const bottom = Math.min(height, Math.round(band.y + band.height));
    for (let y = top; y < bottom; y++) rowDy[y] = Math.round(band.dy);
  }
  let outside = false;
  for (let y = 0; y < height; y++) {
    const source = y - (rowDy[y] ?? 0);
    if (source < 0 || source >= baseline.height) {
      outside = true;
      continue;
    }
    baseline.data.copy(
      out,
      y * width * 4,
      source * baseline.width * 4,
      source * baseline.width * 4 + copyWidth,
    );
  }
  for (const block of alignment.blocks) {
    const dx = Math.round(block.dx);
    const dy = Math.round(block.dy);
    const left = Math.max(0, Math.round(block.x), dx);
    const right = Math.min(width, Math.round(block.x + block.width), baseline.width + dx);
    const top = Math.max(0, Math.round(block.y), dy);
    const bottom = Math.min(height, Math.round(block.y + block.height), baseline.height + dy);
    if (right <= left) continue;
    for (let y = top; y < bottom; y++) {
      const from = ((y - dy) * baseline.width + (left - dx)) * 4;
      baseline.data.copy(out, (y * width + left) * 4, from, from + (right - left) * 4);
    }
  }
  return {
    data: out,
    width,
    height,
    opaque: baseline.opaque && !outside && width <= baseline.width,
  };
}
