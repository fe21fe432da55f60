import type { DiffKernel } from './diff-kernel.types.ts';

/**
 * The diff kernel in JavaScript: a line-by-line port of src/diff/native/diff-kernel.c, used when
 * the native addon cannot be loaded (not built: no C compiler; built for another platform).
 * Same arithmetic in doubles (the C side is built without fused multiply-adds), same neighbour
 * order, same float32 roundings in the heatmap: its outputs are byte-identical to the native
 * kernel's (src/diff/js-kernel.test.ts), only slower and on one thread. The C file documents
 * the rules; the comments here only mark where JavaScript needs care to match C.
 */

const INCLUDE_ANTI_ALIASING = 1;
const SOLID_AREA_SENSITIVITY = 2;
const OPAQUE = 4;
const CELL_SHIFT = 3;

// ---- argument checks (the same messages as the native kernel's) ----

function kernelError(message: string): Error {
  return new Error(`diff kernel: ${message}`);
}

/** 'b' typed array or null, 'i' int32, 'd' number: like unpack() in the C file. */
function checkArguments(name: string, spec: string, args: readonly unknown[]): void {
  if (args.length !== spec.length) {
    throw kernelError(`${name} takes ${spec.length} arguments`);
  }
  for (let k = 0; k < spec.length; k++) {
    const value = args[k];
    const ok =
      spec[k] === 'b'
        ? value === null || value === undefined || ArrayBuffer.isView(value)
        : typeof value === 'number';
    if (!ok) throw kernelError(`${name} argument ${k} has the wrong type`);
  }
}

const byteLength = (view: ArrayBufferView | null | undefined): number => view?.byteLength ?? 0;

function words(bytes: Uint8Array, pixels: number): Uint32Array {
  return new Uint32Array(bytes.buffer, bytes.byteOffset, pixels);
}

const cellsOf = (size: number): number => (size + (1 << CELL_SHIFT) - 1) >> CELL_SHIFT;

// ---- compare ----

interface Compare {
  a: Uint8Array;
  b: Uint8Array;
  a32: Uint32Array;
  b32: Uint32Array;
  width: number;
  height: number;
  ignored: Int32Array;
  ignoredCount: number;
  mask: Uint8Array;
  maskWidth: number;
  changedRows: Uint8Array;
  counts: Uint16Array;
  minX: Int32Array;
  minY: Int32Array;
  maxX: Int32Array;
  maxY: Int32Array;
  columns: number;
}

const checkerR = (k: number): number => 48 + 159 * (k % 2);
// (int)(k / φ): k >= 0, so truncation is floor
const checkerG = (k: number): number => 48 + 159 * (Math.floor(k / 1.618033988749895) % 2);
const checkerB = (k: number): number => 48 + 159 * (Math.floor(k / 2.618033988749895) % 2);

function colorDelta(img1: Uint8Array, img2: Uint8Array, k: number): number {
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

function brightnessDelta(img: Uint8Array, k: number, m: number): number {
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

// Opaque brightness scaled by 1e8: at most 2.55e10, an exact integer in a double.
function brightnessOf(word: number): number {
  return (
    (word & 0xff) * 29889531 + ((word >>> 8) & 0xff) * 58662247 + ((word >>> 16) & 0xff) * 11448223
  );
}

function hasManySiblings(
  img: Uint32Array,
  x1: number,
  y1: number,
  width: number,
  height: number,
): boolean {
  const value = img[y1 * width + x1];
  if (x1 > 0 && y1 > 0 && x1 < width - 1 && y1 < height - 1) {
    const up = (y1 - 1) * width + x1;
    const row = up + width;
    const down = row + width;
    const same =
      Number(img[up - 1] === value) +
      Number(img[up] === value) +
      Number(img[up + 1] === value) +
      Number(img[row - 1] === value) +
      Number(img[row + 1] === value) +
      Number(img[down - 1] === value) +
      Number(img[down] === value) +
      Number(img[down + 1] === value);
    return same > 2;
  }
  const x0 = Math.max(x1 - 1, 0);
  const y0 = Math.max(y1 - 1, 0);
  const x2 = Math.min(x1 + 1, width - 1);
  const y2 = Math.min(y1 + 1, height - 1);
  let zeroes = 1; // on the border
  for (let x = x0; x <= x2; x++) {
    for (let y = y0; y <= y2; y++) {
      if (x === x1 && y === y1) continue;
      if (value === img[y * width + x]) zeroes++;
      if (zeroes > 2) return true;
    }
  }
  return false;
}

function extremeIsSolid(
  c: Compare,
  minX: number,
  minY: number,
  maxX: number,
  maxY: number,
): boolean {
  const { width, height } = c;
  return (
    (hasManySiblings(c.a32, minX, minY, width, height) &&
      hasManySiblings(c.b32, minX, minY, width, height)) ||
    (hasManySiblings(c.a32, maxX, maxY, width, height) &&
      hasManySiblings(c.b32, maxX, maxY, width, height))
  );
}

function isAntiAliased(c: Compare, img: Uint8Array, x1: number, y1: number): boolean {
  const { width, height } = c;
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
  return extremeIsSolid(c, minX, minY, maxX, maxY);
}

const neighbourDx = [-1, -1, -1, 0, 0, 1, 1, 1] as const;
const neighbourDy = [-1, 0, 1, -1, 1, -1, 0, 1] as const;

function isAntiAliasedOpaque(
  c: Compare,
  img32: Uint32Array,
  img: Uint8Array,
  x1: number,
  y1: number,
): boolean {
  const { width, height } = c;
  if (x1 > 0 && y1 > 0 && x1 < width - 1 && y1 < height - 1) {
    const center = y1 * width + x1;
    const brightness = brightnessOf(img32[center] ?? 0);
    let zeroes = 0;
    let minIndex = -1;
    let maxIndex = -1;
    let min = 0;
    let max = 0;
    for (let k = 0; k < 8; k++) {
      const dx = neighbourDx[k] ?? 0;
      const dy = neighbourDy[k] ?? 0;
      const delta = brightness - brightnessOf(img32[center + dy * width + dx] ?? 0);
      if (delta === 0) zeroes++;
      if (delta < min) {
        min = delta;
        minIndex = k;
      }
      if (delta > max) {
        max = delta;
        maxIndex = k;
      }
    }
    if (zeroes > 2 || minIndex < 0 || maxIndex < 0) return false;
    return extremeIsSolid(
      c,
      x1 + (neighbourDx[minIndex] ?? 0),
      y1 + (neighbourDy[minIndex] ?? 0),
      x1 + (neighbourDx[maxIndex] ?? 0),
      y1 + (neighbourDy[maxIndex] ?? 0),
    );
  }
  return isAntiAliased(c, img, x1, y1); // on the border: rare
}

function isInSolidArea(
  img: Uint32Array,
  x: number,
  y: number,
  width: number,
  height: number,
): boolean {
  const value = img[y * width + x];
  let same = 0;
  for (let ny = Math.max(0, y - 1); ny <= Math.min(height - 1, y + 1); ny++) {
    for (let nx = Math.max(0, x - 1); nx <= Math.min(width - 1, x + 1); nx++) {
      if ((nx !== x || ny !== y) && img[ny * width + nx] === value) same++;
    }
  }
  return same > 2;
}

function isIgnored(c: Compare, x: number, y: number): boolean {
  for (let r = 0; r < c.ignoredCount; r++) {
    const rx = c.ignored[r * 4] ?? 0;
    const ry = c.ignored[r * 4 + 1] ?? 0;
    const rw = c.ignored[r * 4 + 2] ?? 0;
    const rh = c.ignored[r * 4 + 3] ?? 0;
    if (x >= rx && x < rx + rw && y >= ry && y < ry + rh) return true;
  }
  return false;
}

function recordChange(c: Compare, x: number, y: number): void {
  const cell = (y >> CELL_SHIFT) * c.columns + (x >> CELL_SHIFT);
  c.counts[cell] = (c.counts[cell] ?? 0) + 1;
  if (x < (c.minX[cell] ?? 0)) c.minX[cell] = x;
  if (x > (c.maxX[cell] ?? 0)) c.maxX[cell] = x;
  if (y < (c.minY[cell] ?? 0)) c.minY[cell] = y;
  if (y > (c.maxY[cell] ?? 0)) c.maxY[cell] = y;
}

function rowsEqual(a: Uint8Array, b: Uint8Array, start: number, length: number): boolean {
  return Buffer.from(a.buffer, a.byteOffset + start, length).equals(
    Buffer.from(b.buffer, b.byteOffset + start, length),
  );
}

function comparePixels(c: Compare, maxDelta: number, flags: number): number {
  const { width, height } = c;
  const opaque = (flags & OPAQUE) !== 0;
  const rowBytes = width * 4;
  let counted = 0;
  for (let y = 0; y < height; y++) {
    if (rowsEqual(c.a, c.b, y * rowBytes, rowBytes)) continue;
    const rowStart = y * width;
    const maskRow = y * c.maskWidth;
    let rowCount = 0;
    for (let x = 0; x < width; x++) {
      const wordA = c.a32[rowStart + x] ?? 0;
      const wordB = c.b32[rowStart + x] ?? 0;
      if (wordA === wordB) continue;
      const i = rowStart + x;
      let delta: number;
      if (opaque) {
        const dr = (wordA & 0xff) - (wordB & 0xff);
        const dg = ((wordA >>> 8) & 0xff) - ((wordB >>> 8) & 0xff);
        const db = ((wordA >>> 16) & 0xff) - ((wordB >>> 16) & 0xff);
        const yy = dr * 0.29889531 + dg * 0.58662247 + db * 0.11448223;
        const ii = dr * 0.59597799 - dg * 0.2741761 - db * 0.32180189;
        const qq = dr * 0.21147017 - dg * 0.52261711 + db * 0.31114694;
        delta = 0.5053 * yy * yy + 0.299 * ii * ii + 0.1957 * qq * qq;
      } else {
        delta = colorDelta(c.a, c.b, i * 4);
        if (delta < 0) delta = -delta;
      }
      let changed: boolean;
      if (delta > maxDelta) {
        if (flags & INCLUDE_ANTI_ALIASING) changed = true;
        else if (opaque)
          changed = !(
            isAntiAliasedOpaque(c, c.a32, c.a, x, y) || isAntiAliasedOpaque(c, c.b32, c.b, x, y)
          );
        else changed = !(isAntiAliased(c, c.a, x, y) || isAntiAliased(c, c.b, x, y));
      } else {
        changed =
          (flags & SOLID_AREA_SENSITIVITY) !== 0 &&
          delta > 0 &&
          isInSolidArea(c.a32, x, y, width, height) &&
          isInSolidArea(c.b32, x, y, width, height);
      }
      if (!changed || (c.ignoredCount > 0 && isIgnored(c, x, y))) continue;
      c.mask[maskRow + x] = 1;
      recordChange(c, x, y);
      rowCount++;
    }
    if (rowCount > 0) {
      c.changedRows[y] = 1;
      counted += rowCount;
    }
  }
  return counted;
}

const compare: DiffKernel['compare'] = (...args) => {
  checkArguments('compare', 'bbiidibbibbbbbbi', args);
  const [
    a,
    b,
    w,
    h,
    maxDelta,
    flags,
    ignored,
    mask,
    maskW,
    rows,
    counts,
    minX,
    minY,
    maxX,
    maxY,
    cols,
  ] = args;
  const width = w | 0;
  const height = h | 0;
  const maskWidth = maskW | 0;
  const columns = cols | 0;
  const pixels = width * height;
  if (
    width <= 0 ||
    height <= 0 ||
    byteLength(a) < pixels * 4 ||
    byteLength(b) < pixels * 4 ||
    (a.byteOffset | b.byteOffset) % 4 !== 0
  ) {
    throw kernelError('images smaller than width × height, or unaligned');
  }
  const cells = columns * cellsOf(height);
  if (
    maskWidth < width ||
    byteLength(mask) < maskWidth * height ||
    byteLength(rows) < height ||
    columns < cellsOf(width) ||
    byteLength(counts) < cells * 2 ||
    byteLength(minX) < cells * 4 ||
    byteLength(minY) < cells * 4 ||
    byteLength(maxX) < cells * 4 ||
    byteLength(maxY) < cells * 4
  ) {
    throw kernelError('mask or change grid smaller than the images');
  }
  const ignoredRects = ignored ?? new Int32Array(0);
  return comparePixels(
    {
      a,
      b,
      a32: words(a, pixels),
      b32: words(b, pixels),
      width,
      height,
      ignored: ignoredRects,
      ignoredCount: Math.floor(ignoredRects.byteLength / 16),
      mask,
      maskWidth,
      changedRows: rows,
      counts,
      minX,
      minY,
      maxX,
      maxY,
      columns,
    },
    maxDelta,
    flags | 0,
  );
};

// ---- render ----

function lumaOf(word: number, opaque: boolean): number {
  const luma =
    ((word & 0xff) * 77 + ((word >>> 8) & 0xff) * 150 + ((word >>> 16) & 0xff) * 29) >> 8;
  if (opaque) return luma;
  const alpha = word >>> 24;
  // (int) of a non-negative double: truncation
  return alpha === 255 ? luma : Math.trunc(255 - ((255 - luma) * alpha) / 255);
}

/** The two cells and the weight of the second, for pixel p (bilinear between cell centres). */
function interpolationAt(p: number, cells: number, cellSize: number): [number, number, number] {
  const position = (p + 0.5) / cellSize - 0.5;
  if (position <= 0) return [0, 0, 0];
  const whole = Math.floor(position);
  const first = Math.min(whole, cells - 1);
  return [first, Math.min(first + 1, cells - 1), position - whole];
}

const render: DiffKernel['render'] = (...args) => {
  checkArguments('render', 'biibiiibbiibbbiibb', args);
  const [
    base,
    baseW,
    baseH,
    obs,
    obsW,
    obsH,
    opaqueFlag,
    mask,
    changedRows,
    w,
    h,
    diffOut,
    heatOut,
    field,
    cols,
    rowCount,
    palettes,
    constants,
  ] = args;
  const baseWidth = baseW | 0;
  const baseHeight = baseH | 0;
  const obsWidth = obsW | 0;
  const obsHeight = obsH | 0;
  const width = w | 0;
  const height = h | 0;
  const columns = cols | 0;
  const rows = rowCount | 0;
  const canvas = width * height;
  const lineBytes = canvas + height;
  if (
    width <= 0 ||
    height <= 0 ||
    baseWidth > width ||
    obsWidth > width ||
    baseHeight > height ||
    obsHeight > height ||
    byteLength(base) < baseWidth * baseHeight * 4 ||
    byteLength(obs) < obsWidth * obsHeight * 4 ||
    (base.byteOffset | obs.byteOffset) % 4 !== 0 ||
    byteLength(mask) < canvas ||
    byteLength(changedRows) < height ||
    (diffOut && diffOut.byteLength < lineBytes) ||
    (heatOut && heatOut.byteLength < lineBytes) ||
    columns < 1 ||
    rows < 1 ||
    byteLength(field) < columns * rows * 4
  ) {
    throw kernelError('render buffers do not match the canvas');
  }
  if (byteLength(palettes) !== 3 * 256) throw kernelError('render needs 3 × 256 palette indices');
  if (byteLength(constants) !== 5 * 4) throw kernelError('render needs 5 constants');

  const base32 = words(base, baseWidth * baseHeight);
  const obs32 = words(obs, obsWidth * obsHeight);
  const diffGrey = palettes.subarray(0, 256);
  const diffTint = palettes.subarray(256, 512);
  const heatGrey = palettes.subarray(512, 768);
  const [diffChanged = 0, diffWhite = 0, greyLevels = 0, heatLevels = 0, cellSize = 1] = constants;
  const opaque = opaqueFlag !== 0;

  // the heat interpolation per column, stored as C stores it (weights as float32)
  const left = new Int32Array(width);
  const right = new Int32Array(width);
  const weight = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const [first, second, wx] = interpolationAt(x, columns, cellSize);
    left[x] = first;
    right[x] = second;
    weight[x] = wx;
  }
  const rowHasHeat = new Uint8Array(rows);
  for (let i = 0; i < columns * rows; i++) {
    if ((field[i] ?? 0) > 0) rowHasHeat[Math.floor(i / columns)] = 1;
  }
  const cellRow = new Float32Array(columns);
  const heatBase = new Uint8Array(width);
  const commonWidth = Math.min(baseWidth, obsWidth);
  const commonHeight = Math.min(baseHeight, obsHeight);
  const scale = heatLevels - 2;
  const stride = width + 1;

  for (let y = 0; y < height; y++) {
    const maskRow = y * width;
    const obsRow = y * obsWidth;
    const diffRow = y * stride + 1; // after the filter byte
    const heatRow = diffRow;

    let hasHeat = false;
    if (heatOut) {
      const [r0, r1, fy] = interpolationAt(y, rows, cellSize);
      if (rowHasHeat[r0] || rowHasHeat[r1]) {
        hasHeat = true;
        for (let col = 0; col < columns; col++) {
          const top = field[r0 * columns + col] ?? 0;
          const bottom = field[r1 * columns + col] ?? 0;
          cellRow[col] = (top + (bottom - top) * fy) * scale; // float32 store, as in C
        }
        for (let x = 0; x < width; x++) {
          const from = cellRow[left[x] ?? 0] ?? 0;
          const v = from + ((cellRow[right[x] ?? 0] ?? 0) - from) * (weight[x] ?? 0);
          heatBase[x] = v > 0 ? Math.trunc(v + 1.5) * greyLevels : 0; // uint8 store wraps as C's cast
        }
      }
    }
    const rowChanged = changedRows[y] === 1;
    const commonEnd = y < commonHeight ? commonWidth : 0;

    for (let x = 0; x < commonEnd; x++) {
      const luma = lumaOf(obs32[obsRow + x] ?? 0, opaque);
      if (diffOut) {
        diffOut[diffRow + x] =
          rowChanged && mask[maskRow + x] === 1 ? diffChanged : (diffGrey[luma] ?? 0);
      }
      if (heatOut)
        heatOut[heatRow + x] = (hasHeat ? (heatBase[x] ?? 0) : 0) + (heatGrey[luma] ?? 0);
    }
    for (let x = commonEnd; x < width; x++) {
      const inObserved = x < obsWidth && y < obsHeight;
      const inBaseline = x < baseWidth && y < baseHeight;
      const heat = hasHeat ? (heatBase[x] ?? 0) : 0;
      if (!inObserved && !inBaseline) {
        if (diffOut) diffOut[diffRow + x] = diffWhite;
        if (heatOut) heatOut[heatRow + x] = heat + (heatGrey[255] ?? 0);
        continue;
      }
      const word = inObserved ? (obs32[obsRow + x] ?? 0) : (base32[y * baseWidth + x] ?? 0);
      const luma = lumaOf(word, false);
      if (diffOut) {
        diffOut[diffRow + x] =
          mask[maskRow + x] === 1 ? (diffTint[luma] ?? 0) : (diffGrey[luma] ?? 0);
      }
      if (heatOut) heatOut[heatRow + x] = heat + (heatGrey[inObserved ? luma : 255] ?? 0);
    }
  }
};

export const jsKernel: DiffKernel = { compare, render };
