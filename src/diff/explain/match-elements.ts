import type { LayoutElement } from '../../shared/layout-snapshot.ts';

/**
 * Pairs the elements of two snapshots of one page (document order both): first the longest
 * common subsequence of elements that look the same (depth, tag, selector anchor, text,
 * image), so that an element inserted or removed does not shift every pairing after it; then,
 * in each stretch between two such pairs, elements with the same selector, then with the same
 * tag in order (a text or image that changed, a restyled element). Returns [before, after]
 * index pairs in document order.
 */
export function matchElements(
  before: readonly LayoutElement[],
  after: readonly LayoutElement[],
): Array<[number, number]> {
  const depthsBefore = depths(before);
  const depthsAfter = depths(after);
  const a = before.map((e, i) => signature(e, depthsBefore[i] ?? 0));
  const b = after.map((e, i) => signature(e, depthsAfter[i] ?? 0));
  const common = commonSubsequence(a, b);

  const pairs: Array<[number, number]> = [];
  let i0 = 0;
  let j0 = 0;
  for (const [i1, j1] of [...common, [before.length, after.length] as [number, number]]) {
    pairs.push(...matchStretch(before, after, i0, i1, j0, j1));
    if (i1 < before.length && j1 < after.length) pairs.push([i1, j1]);
    i0 = i1 + 1;
    j0 = j1 + 1;
  }
  return pairs.sort((p, q) => p[1] - q[1]);
}

function matchStretch(
  before: readonly LayoutElement[],
  after: readonly LayoutElement[],
  i0: number,
  i1: number,
  j0: number,
  j1: number,
): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  const usedBefore = new Set<number>();
  const usedAfter = new Set<number>();
  const bySelector = new Map<string, number>();
  for (let i = i0; i < i1; i++) bySelector.set(before[i]?.selector ?? '', i);
  for (let j = j0; j < j1; j++) {
    const i = bySelector.get(after[j]?.selector ?? '');
    if (i !== undefined && !usedBefore.has(i) && before[i]?.tag === after[j]?.tag) {
      pairs.push([i, j]);
      usedBefore.add(i);
      usedAfter.add(j);
    }
  }
  // Same tag, in order: as many as both sides have left (a swapped image, a rewritten text).
  let i = i0;
  for (let j = j0; j < j1; j++) {
    if (usedAfter.has(j)) continue;
    while (i < i1 && usedBefore.has(i)) i++;
    let k = i;
    while (k < i1 && (usedBefore.has(k) || before[k]?.tag !== after[j]?.tag)) k++;
    if (k < i1 && sameKindOfContent(before[k], after[j])) {
      pairs.push([k, j]);
      usedBefore.add(k);
      usedAfter.add(j);
      if (k === i) i++;
    }
  }
  return pairs;
}

/** Both show text, or both an image, or neither: a changed text or image, not a new element. */
function sameKindOfContent(a: LayoutElement | undefined, b: LayoutElement | undefined): boolean {
  if (!a || !b) return false;
  return (
    (a.text === undefined) === (b.text === undefined) &&
    (a.image === undefined) === (b.image === undefined)
  );
}

function signature(e: LayoutElement, depth: number): string {
  const anchor = e.selector.startsWith('#') ? e.selector : '';
  return `${depth}|${e.tag}|${anchor}|${e.text ?? ''}|${e.image ?? ''}`;
}

function depths(elements: readonly LayoutElement[]): number[] {
  const result: number[] = [];
  elements.forEach((e, i) => {
    result[i] = e.parent >= 0 ? (result[e.parent] ?? 0) + 1 : 0;
  });
  return result;
}

/**
 * Index pairs of a longest common subsequence of `a` and `b` (Myers' O((N+M)·D) algorithm:
 * fast when the two differ in few places, as two captures of one page do).
 */
export function commonSubsequence(
  a: readonly string[],
  b: readonly string[],
): Array<[number, number]> {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0));
      let x = down ? (v[offset + k + 1] ?? 0) : (v[offset + k - 1] ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk back through the recorded frontiers, collecting the diagonal (matching) steps.
  const pairs: Array<[number, number]> = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0 && (x > 0 || y > 0); d--) {
    const frontier = trace[d];
    if (!frontier) break;
    const k = x - y;
    const down =
      k === -d || (k !== d && (frontier[offset + k - 1] ?? 0) < (frontier[offset + k + 1] ?? 0));
    const prevK = down ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : (frontier[offset + prevK] ?? 0);
    const prevY = prevX - prevK;
    const startX = d === 0 ? 0 : down ? prevX : prevX + 1;
    const startY = d === 0 ? 0 : startX - k;
    while (x > startX && y > startY) {
      x--;
      y--;
      pairs.push([x, y]);
    }
    x = prevX;
    y = d === 0 ? 0 : prevY;
  }
  return pairs.reverse();
}
