import type { Rect } from '../shared/domain.ts';
import type { ChangeGrid } from './change-grid.ts';
import { CELL_SIZE } from './change-grid.ts';

/** Changes closer than this (in px) belong to one region: a changed paragraph is one box. */
export const MERGE_GAP_PX = 16;
/** More boxes than this help no reviewer; the smallest are dropped. */
export const MAX_REGIONS = 100;

interface Box {
  x0: number;
  y0: number;
  x1: number; // inclusive
  y1: number; // inclusive
}

/**
 * Bounding boxes of clusters of changed pixels, largest first: cells with changes within
 * MERGE_GAP_PX of each other are one cluster; clusters whose boxes overlap are merged.
 */
export function findChangedRegions(grid: ChangeGrid): Rect[] {
  const reach = Math.ceil(MERGE_GAP_PX / CELL_SIZE);
  const { columns, rows, counts } = grid;
  const visited = new Uint8Array(counts.length);
  const stack: number[] = [];
  let boxes: Box[] = [];

  for (let start = 0; start < counts.length; start++) {
    if (counts[start] === 0 || visited[start] === 1) continue;
    visited[start] = 1;
    stack.push(start);
    const box: Box = { x0: Infinity, y0: Infinity, x1: -1, y1: -1 };
    for (let cell = stack.pop(); cell !== undefined; cell = stack.pop()) {
      box.x0 = Math.min(box.x0, grid.minX[cell] ?? 0);
      box.y0 = Math.min(box.y0, grid.minY[cell] ?? 0);
      box.x1 = Math.max(box.x1, grid.maxX[cell] ?? 0);
      box.y1 = Math.max(box.y1, grid.maxY[cell] ?? 0);
      const cx = cell % columns;
      const cy = (cell - cx) / columns;
      for (let ny = Math.max(0, cy - reach); ny <= Math.min(rows - 1, cy + reach); ny++) {
        for (let nx = Math.max(0, cx - reach); nx <= Math.min(columns - 1, cx + reach); nx++) {
          const neighbour = ny * columns + nx;
          if (counts[neighbour] === 0 || visited[neighbour] === 1) continue;
          visited[neighbour] = 1;
          stack.push(neighbour);
        }
      }
    }
    boxes.push(box);
  }

  boxes = mergeOverlapping(boxes);
  return boxes
    .map((b) => ({ x: b.x0, y: b.y0, width: b.x1 - b.x0 + 1, height: b.y1 - b.y0 + 1 }))
    .sort((a, b) => b.width * b.height - a.width * a.height || a.y - b.y || a.x - b.x)
    .slice(0, MAX_REGIONS);
}

function overlaps(a: Box, b: Box): boolean {
  return a.x0 <= b.x1 && b.x0 <= a.x1 && a.y0 <= b.y1 && b.y0 <= a.y1;
}

// Sweep in y order; repeat until no two boxes overlap (merging can create new overlaps).
function mergeOverlapping(input: Box[]): Box[] {
  let boxes = input;
  for (let merged = true; merged;) {
    merged = false;
    boxes.sort((a, b) => a.y0 - b.y0);
    const out: Box[] = [];
    for (const box of boxes) {
      let absorbed = false;
      for (let i = out.length - 1; i >= 0; i--) {
        const other = out[i];
        if (other === undefined || !overlaps(other, box)) continue;
        other.x0 = Math.min(other.x0, box.x0);
        other.y0 = Math.min(other.y0, box.y0);
        other.x1 = Math.max(other.x1, box.x1);
        other.y1 = Math.max(other.y1, box.y1);
        absorbed = true;
        merged = true;
        break;
      }
      if (!absorbed) out.push(box);
    }
    boxes = out;
  }
  return boxes;
}
