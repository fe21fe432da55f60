import type { Rect } from '../shared/domain.ts';

/** Ignore regions snapped outward to whole pixels and clipped to the canvas; empty ones dropped. */
export function clipIgnoreRegions(regions: readonly Rect[], width: number, height: number): Rect[] {
  const clipped: Rect[] = [];
  for (const region of regions) {
    const x0 = Math.max(0, Math.floor(region.x));
    const y0 = Math.max(0, Math.floor(region.y));
    const x1 = Math.min(width, Math.ceil(region.x + region.width));
    const y1 = Math.min(height, Math.ceil(region.y + region.height));
    if (x1 > x0 && y1 > y0) clipped.push({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 });
  }
  return clipped;
}

export function isIgnored(regions: readonly Rect[], x: number, y: number): boolean {
  for (const r of regions) {
    if (x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height) return true;
  }
  return false;
}
