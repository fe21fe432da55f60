import sharp from 'sharp';

// Small RGBA canvases for unit tests, encoded to PNG with sharp.

export type Rgba = readonly [number, number, number, number?];

export class TestImage {
  readonly data: Buffer;

  constructor(
    readonly width: number,
    readonly height: number,
    fill: Rgba = [255, 255, 255],
  ) {
    this.data = Buffer.alloc(width * height * 4);
    this.fillRect(0, 0, width, height, fill);
  }

  set(x: number, y: number, [r, g, b, a = 255]: Rgba): this {
    const i = (y * this.width + x) * 4;
    this.data[i] = r;
    this.data[i + 1] = g;
    this.data[i + 2] = b;
    this.data[i + 3] = a;
    return this;
  }

  get(x: number, y: number): [number, number, number, number] {
    const i = (y * this.width + x) * 4;
    return [this.data[i] ?? 0, this.data[i + 1] ?? 0, this.data[i + 2] ?? 0, this.data[i + 3] ?? 0];
  }

  fillRect(x0: number, y0: number, width: number, height: number, colour: Rgba): this {
    for (let y = y0; y < y0 + height; y++)
      for (let x = x0; x < x0 + width; x++) this.set(x, y, colour);
    return this;
  }

  clone(): TestImage {
    const copy = new TestImage(this.width, this.height);
    this.data.copy(copy.data);
    return copy;
  }

  /** RGBA PNG when any pixel is transparent, else RGB (as Chromium writes screenshots). */
  png(): Promise<Buffer> {
    const raw = sharp(this.data, { raw: { width: this.width, height: this.height, channels: 4 } });
    const opaque = this.data.every((value, i) => i % 4 !== 3 || value === 255);
    return (opaque ? raw.removeAlpha() : raw).png().toBuffer();
  }
}

export async function decodeRgba(
  png: Buffer,
): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Deterministic pseudo-random generator (LCG) for noise images. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 0x100000000;
  };
}
