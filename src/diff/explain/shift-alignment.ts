import type { Rect } from '../../shared/domain.ts';
import type { Alignment } from '../diff.types.ts';
import type { Change } from './explain-changes.ts';

/**
 * The moves to undo before comparing pixels (see align-baseline.ts), from the moved elements
 * of a list of changes: a vertical shift per band of rows (the largest pushed element over a
 * row decides; rows over none keep the shift of the rows above them, so the margins between
 * pushed elements shift with them), then a block for each moved element the bands do not
 * already place (a horizontal move, a different vertical one). Undefined when nothing moved.
 * `scale`: image pixels per CSS pixel.
 */
export function shiftAlignment(
  changes: readonly Change[],
  scale: number,
  imageHeight: number,
): Alignment | undefined {
  const moved = changes
    .filter((c): c is Change & { before: Rect; after: Rect } => c.kind === 'moved')
    .filter((c) => c.before !== undefined && c.after !== undefined)
    .sort((a, b) => area(b.after) - area(a.after));
  if (moved.length === 0) return undefined;
  // Rows (CSS px) that hold elements not moving: a change of their own (an inserted banner,
  // a heading that grew) stops a shift from carrying into them.
  const height = Math.ceil(imageHeight / scale);
  const rowDy = new Array<number | undefined>(height).fill(undefined);
  const still = new Uint8Array(height);
  for (const change of changes) {
    if (change.kind === 'moved' || !change.after) continue;
    forRows(change.after, height, (y) => (still[y] = 1));
  }
  // Only pushed elements shift rows: an element that moved by itself takes nothing along.
  for (const change of moved.filter((c) => !c.rootCause)) {
    forRows(change.after, height, (y) => {
      if (rowDy[y] === undefined) rowDy[y] = change.dy ?? 0;
    });
  }
  let carried = 0;
  for (let y = 0; y < height; y++) {
    const own = rowDy[y];
    if (own !== undefined) carried = own;
    else if (still[y]) carried = 0;
    else rowDy[y] = carried;
  }
  const rows: Alignment['rows'] = [];
  for (let y = 0; y < height;) {
    const dy = rowDy[y] ?? 0;
    let end = y + 1;
    while (end < height && (rowDy[end] ?? 0) === dy) end++;
    if (dy !== 0) rows.push({ y: y * scale, height: (end - y) * scale, dy: dy * scale });
    y = end;
  }
  const blocks: Alignment['blocks'] = moved
    .filter((c) => (c.dx ?? 0) !== 0 || rowDy[Math.round(c.after.y)] !== (c.dy ?? 0))
    .map((c) => ({
      x: c.after.x * scale,
      y: c.after.y * scale,
      width: c.after.width * scale,
      height: c.after.height * scale,
      dx: (c.dx ?? 0) * scale,
      dy: (c.dy ?? 0) * scale,
    }));
  return { rows, blocks };
}

function forRows(rect: Rect, height: number, each: (y: number) => void): void {
  const top = Math.max(0, Math.floor(rect.y));
  const bottom = Math.min(height, Math.ceil(rect.y + rect.height));
  for (let y = top; y < bottom; y++) each(y);
}

function area(r: Rect): number {
  return r.width * r.height;
}
