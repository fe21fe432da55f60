/**
 * Whether pixel (x, y) lies in a solid area: at least 3 of its neighbours that exist have
 * exactly its colour. Unlike pixelmatch's hasManySiblings, the image border earns no credit, so
 * a 1-px line or gradient column along the border is not "solid".
 */
export function isInSolidArea(
  img32: Int32Array,
  x: number,
  y: number,
  width: number,
  height: number,
): boolean {
  const i = y * width + x;
  const value = img32[i];
  if (x > 0 && y > 0 && x < width - 1 && y < height - 1) {
    const up = i - width;
    const down = i + width;
    return (
      +(img32[up - 1] === value) +
        +(img32[up] === value) +
        +(img32[up + 1] === value) +
        +(img32[i - 1] === value) +
        +(img32[i + 1] === value) +
        +(img32[down - 1] === value) +
        +(img32[down] === value) +
        +(img32[down + 1] === value) >
      2
    );
  }
  let same = 0;
  for (let ny = Math.max(0, y - 1); ny <= Math.min(height - 1, y + 1); ny++) {
    for (let nx = Math.max(0, x - 1); nx <= Math.min(width - 1, x + 1); nx++) {
      if ((nx !== x || ny !== y) && img32[ny * width + nx] === value) same++;
    }
  }
  return same > 2;
}
