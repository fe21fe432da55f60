import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pixelmatch from 'pixelmatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeDiff } from './compute-diff.ts';
import type { DiffOptions } from './diff.types.ts';
import { TestImage, decodeRgba, seededRandom } from './test-support/images.ts';

const white = [255, 255, 255] as const;
const black = [0, 0, 0] as const;
const red = [255, 0, 0] as const;

async function diff(baseline: TestImage, observed: TestImage, options?: DiffOptions) {
  return computeDiff(await baseline.png(), await observed.png(), options);
}

function pixelmatchCount(
  baseline: TestImage,
  observed: TestImage,
  threshold = 0.1,
  includeAA = false,
): number {
  return pixelmatch(baseline.data, observed.data, undefined, baseline.width, baseline.height, {
    threshold,
    includeAA,
  });
}

describe('computeDiff: byte-identical inputs', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scene-diff-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('short-circuits without decoding: a PNG whose pixel data is corrupt still compares as identical', async () => {
    const png = await new TestImage(64, 48).fillRect(5, 5, 10, 10, black).png();
    const corrupt = Buffer.from(png);
    const idat = corrupt.indexOf('IDAT');
    corrupt.fill(0x42, idat + 8, idat + 24);

    const result = await computeDiff(corrupt, Buffer.from(corrupt));
    expect(result).toMatchObject({
      identical: true,
      diffPixels: 0,
      diffRatio: 0,
      diffPercent: 0,
      baselineSize: { width: 64, height: 48 },
      observedSize: { width: 64, height: 48 },
      dimensionsChanged: false,
      sizeChange: { width: 0, height: 0 },
      changedRegions: [],
    });
    expect(result.diffImage).toBeUndefined();
    expect(result.heatmap).toBeUndefined();
    // the same corrupt bytes against a different image do get decoded, and fail clearly
    await expect(computeDiff(corrupt, png)).rejects.toThrow(/baseline PNG cannot be decoded/);
  });

  it('reads paths and short-circuits identical files', async () => {
    const png = await new TestImage(10, 10).png();
    const a = join(dir, 'a.png');
    const b = join(dir, 'b.png');
    await writeFile(a, png);
    await writeFile(b, png);
    expect((await computeDiff(a, b)).identical).toBe(true);
  });

  it('rejects a missing file and a non-PNG input with a clear message', async () => {
    const png = await new TestImage(10, 10).png();
    await expect(computeDiff(join(dir, 'missing.png'), png)).rejects.toThrow(
      /cannot read the baseline image/,
    );
    await expect(computeDiff(png, Buffer.from('<html>not an image</html>'))).rejects.toThrow(
      /observed image is not a PNG/,
    );
  });
});

describe('computeDiff: exact counts', () => {
  it('counts a recoloured solid block exactly and boxes it', async () => {
    const baseline = new TestImage(100, 100).fillRect(30, 40, 20, 10, black);
    const observed = new TestImage(100, 100).fillRect(30, 40, 20, 10, red);
    const result = await diff(baseline, observed);
    expect(result.identical).toBe(false);
    expect(result.diffPixels).toBe(200);
    expect(result.diffRatio).toBeCloseTo(0.02, 10);
    expect(result.diffPercent).toBeCloseTo(2, 8);
    expect(result.changedRegions).toEqual([{ x: 30, y: 40, width: 20, height: 10 }]);
    expect(result.dimensionsChanged).toBe(false);
  });

  it('counts the leading and trailing columns of a glyph shifted by one pixel', async () => {
    const baseline = new TestImage(60, 40).fillRect(20, 10, 10, 20, black);
    const observed = new TestImage(60, 40).fillRect(21, 10, 10, 20, black);
    const result = await diff(baseline, observed);
    expect(result.diffPixels).toBe(40);
    expect(result.diffPixels).toBe(pixelmatchCount(baseline, observed));
    expect(result.changedRegions).toEqual([{ x: 20, y: 10, width: 11, height: 20 }]);
  });

  it('counts a large change of a smooth gradient everywhere, like pixelmatch', async () => {
    const baseline = new TestImage(256, 20);
    const observed = new TestImage(256, 20);
    for (let x = 0; x < 256; x++) {
      baseline.fillRect(x, 0, 1, 20, [x, x, x]);
      observed.fillRect(x, 0, 1, 20, [Math.min(255, x + 60), Math.min(255, x + 60), x]);
    }
    const result = await diff(baseline, observed);
    expect(result.diffPixels).toBe(pixelmatchCount(baseline, observed));
    // all but the pixels the anti-aliasing detector takes for edges of the steps
    expect(result.diffPixels).toBeGreaterThan(0.85 * 256 * 20);
  });
});

describe('computeDiff: sensitivity (DESIGN.md section 3)', () => {
  it('ignores a change confined to anti-aliased edge pixels, unless asked to include it', async () => {
    // white | one anti-aliased grey column | black, over the full height
    const baseline = new TestImage(40, 30)
      .fillRect(21, 0, 19, 30, black)
      .fillRect(20, 0, 1, 30, [128, 128, 128]);
    const observed = baseline.clone().fillRect(20, 0, 1, 30, [90, 90, 90]);
    expect((await diff(baseline, observed)).diffPixels).toBe(0);
    expect(pixelmatchCount(baseline, observed)).toBe(0);
    expect((await diff(baseline, observed, { includeAntiAliasing: true })).diffPixels).toBe(30);
  });

  it('ignores ±1–2 level noise on the anti-aliased rim of a rounded shape', async () => {
    const baseline = new TestImage(80, 80);
    const observed = new TestImage(80, 80);
    const random = seededRandom(7);
    let rimPixels = 0;
    for (let y = 0; y < 80; y++) {
      for (let x = 0; x < 80; x++) {
        // 4×4 supersampled coverage of a disc of radius 25
        let covered = 0;
        for (let sy = 0; sy < 4; sy++) {
          for (let sx = 0; sx < 4; sx++) {
            const dx = x + (sx + 0.5) / 4 - 40;
            const dy = y + (sy + 0.5) / 4 - 40;
            if (dx * dx + dy * dy <= 25 * 25) covered++;
          }
        }
        const level = Math.round(255 - (covered / 16) * 200);
        baseline.set(x, y, [level, level, level]);
        const onRim = covered > 0 && covered < 16;
        if (onRim) rimPixels++;
        const noisy = onRim ? Math.max(0, Math.min(255, level + (random() < 0.5 ? -2 : 2))) : level;
        observed.set(x, y, [noisy, noisy, noisy]);
      }
    }
    expect(rimPixels).toBeGreaterThan(100);
    expect((await diff(baseline, observed)).diffPixels).toBe(0);
  });

  it('detects a one-level colour change across a solid area, which pixelmatch at 0.1 misses', async () => {
    const baseline = new TestImage(100, 80).fillRect(20, 20, 40, 30, [47, 111, 222]);
    const observed = new TestImage(100, 80).fillRect(20, 20, 40, 30, [47, 111, 223]);
    const result = await diff(baseline, observed);
    expect(result.diffPixels).toBe(40 * 30);
    expect(result.changedRegions).toEqual([{ x: 20, y: 20, width: 40, height: 30 }]);
    expect(pixelmatchCount(baseline, observed)).toBe(0);
    expect((await diff(baseline, observed, { solidAreaSensitivity: false })).diffPixels).toBe(0);
  });

  it('detects a one-level change of a whole page background', async () => {
    const baseline = new TestImage(50, 50, [250, 250, 250]);
    const observed = new TestImage(50, 50, [251, 250, 250]);
    expect((await diff(baseline, observed)).diffPixels).toBe(2500);
  });

  it('treats a one-level shift of a pixel-fine gradient as rendering noise: no pixel is in a solid area', async () => {
    const baseline = new TestImage(200, 10);
    const observed = new TestImage(200, 10);
    for (let x = 0; x < 200; x++) {
      baseline.fillRect(x, 0, 1, 10, [x, 80, 200 - x]);
      observed.fillRect(x, 0, 1, 10, [x + 1, 80, 200 - x]);
    }
    expect((await diff(baseline, observed)).diffPixels).toBe(0);
  });

  it('keeps pixelmatch semantics for threshold: a 0 threshold counts the one-level change outright', async () => {
    const baseline = new TestImage(30, 30).fillRect(0, 0, 1, 30, [100, 100, 100]);
    const observed = new TestImage(30, 30).fillRect(0, 0, 1, 30, [101, 101, 101]);
    // a 1-px line is no solid area, so only threshold 0 (any change) counts it
    expect((await diff(baseline, observed)).diffPixels).toBe(0);
    expect((await diff(baseline, observed, { threshold: 0 })).diffPixels).toBe(30);
    expect(pixelmatchCount(baseline, observed, 0)).toBe(30);
  });

  it('rejects a threshold outside 0..1', async () => {
    const png = await new TestImage(4, 4).png();
    const other = await new TestImage(4, 4, black).png();
    await expect(computeDiff(png, other, { threshold: 1.5 })).rejects.toThrow(
      /threshold must be between 0 and 1/,
    );
  });
});

describe('computeDiff: agrees with pixelmatch when solid-area sensitivity is off', () => {
  const cases = [
    { name: 'opaque noise with blocks', alpha: false },
    { name: 'semi-transparent noise with blocks', alpha: true },
  ];
  for (const { name, alpha } of cases) {
    for (const threshold of [0, 0.05, 0.1, 0.3]) {
      for (const includeAntiAliasing of [false, true]) {
        it(`${name}, threshold ${threshold}, includeAntiAliasing ${includeAntiAliasing}`, async () => {
          const random = seededRandom(threshold * 1000 + (alpha ? 1 : 0));
          const baseline = new TestImage(120, 90);
          for (let y = 0; y < 90; y++) {
            for (let x = 0; x < 120; x++) {
              const v = Math.floor(random() * 4) * 60;
              baseline.set(x, y, [
                v,
                255 - v,
                (v * 3) % 256,
                alpha ? 128 + Math.floor(random() * 128) : 255,
              ]);
            }
          }
          const observed = baseline.clone();
          for (let i = 0; i < 600; i++) {
            const x = Math.floor(random() * 120);
            const y = Math.floor(random() * 90);
            const [r, g, b, a] = observed.get(x, y);
            const step = Math.floor(random() * 40) - 20;
            observed.set(x, y, [Math.max(0, Math.min(255, r + step)), g, b, a]);
          }
          observed.fillRect(10, 10, 30, 20, [20, 40, 60]).fillRect(70, 50, 25, 25, [200, 190, 180]);
          const result = await diff(baseline, observed, {
            threshold,
            includeAntiAliasing,
            solidAreaSensitivity: false,
          });
          expect(result.diffPixels).toBe(
            pixelmatchCount(baseline, observed, threshold, includeAntiAliasing),
          );
        });
      }
    }
  }
});

describe('computeDiff: ignore regions', () => {
  const baseline = new TestImage(100, 100);
  const observed = new TestImage(100, 100).fillRect(10, 10, 40, 20, black);

  it('excludes changes inside an ignore region from the count and hatches the region', async () => {
    const result = await diff(baseline, observed, {
      ignoreRegions: [{ x: 5, y: 5, width: 50, height: 30 }],
    });
    expect(result.diffPixels).toBe(0);
    expect(result.changedRegions).toEqual([]);
    invariantDefined(result.diffImage);
    const image = await decodeRgba(result.diffImage);
    const colours = new Set<string>();
    for (let x = 5; x < 55; x++) colours.add(pixelAt(image, x, 20).join(','));
    expect(colours.has('74,106,156')).toBe(true); // hatch stripes
    expect(pixelAt(image, 80, 80)).toEqual([255, 255, 255]); // white, faded: still white
  });

  it('counts the part of a change outside a partial ignore region, in page coordinates', async () => {
    const result = await diff(baseline, observed, {
      ignoreRegions: [{ x: 30, y: 0, width: 100, height: 100 }],
    });
    expect(result.diffPixels).toBe(20 * 20);
    expect(result.changedRegions).toEqual([{ x: 10, y: 10, width: 20, height: 20 }]);
  });

  it('rounds fractional regions outward and ignores regions off the canvas', async () => {
    const result = await diff(baseline, observed, {
      ignoreRegions: [
        { x: 9.5, y: 9.5, width: 10.2, height: 30 },
        { x: 500, y: 500, width: 10, height: 10 },
      ],
    });
    // columns 9..19 ignored: 10..19 of the block are covered, 20..49 remain
    expect(result.diffPixels).toBe(30 * 20);
  });
});

describe('computeDiff: dimension changes', () => {
  it('counts extra rows of a taller observed page as changed and reports the size change', async () => {
    const result = await diff(new TestImage(100, 100), new TestImage(100, 120));
    expect(result).toMatchObject({
      diffPixels: 2000,
      dimensionsChanged: true,
      baselineSize: { width: 100, height: 100 },
      observedSize: { width: 100, height: 120 },
      sizeChange: { width: 0, height: 20 },
      changedRegions: [{ x: 0, y: 100, width: 100, height: 20 }],
    });
    expect(result.diffRatio).toBeCloseTo(2000 / 12000, 12);
  });

  it('compares the common area when both width and height change', async () => {
    const baseline = new TestImage(100, 100).fillRect(10, 10, 10, 10, black);
    const observed = new TestImage(120, 80).fillRect(10, 10, 10, 10, red);
    const result = await diff(baseline, observed);
    // 100 recoloured + baseline rows 80..99 (2000) + observed columns 100..119 (1600)
    expect(result.diffPixels).toBe(100 + 2000 + 1600);
    expect(result.sizeChange).toEqual({ width: 20, height: -20 });
    expect(result.diffRatio).toBeCloseTo(3700 / 10000, 12);
    invariantDefined(result.diffImage);
    invariantDefined(result.heatmap);
    const diffImage = await decodeRgba(result.diffImage);
    const heatmap = await decodeRgba(result.heatmap);
    expect([diffImage.width, diffImage.height]).toEqual([120, 100]);
    expect([heatmap.width, heatmap.height]).toEqual([120, 100]);
    expect(pixelAt(diffImage, 110, 90)).toEqual([255, 255, 255]); // in neither image
  });

  it('excludes ignored parts of the non-overlapping area', async () => {
    const result = await diff(new TestImage(100, 100), new TestImage(100, 120), {
      ignoreRegions: [{ x: 0, y: 100, width: 50, height: 20 }],
    });
    expect(result.diffPixels).toBe(1000);
  });

  it('caps the ratio at 1 when the images barely overlap', async () => {
    const result = await diff(new TestImage(10, 200), new TestImage(200, 10));
    expect(result.diffPixels).toBe(2000 - 100 + 2000 - 100);
    expect(result.diffRatio).toBe(1);
  });
});

describe('computeDiff: changed regions', () => {
  it('merges the glyphs of a changed paragraph into one region and keeps distant changes apart, largest first', async () => {
    const baseline = new TestImage(400, 300);
    const observed = new TestImage(400, 300);
    // a paragraph: 4 lines of 5×8 "glyphs" 3 px apart, lines 6 px apart
    for (let line = 0; line < 4; line++) {
      for (let glyph = 0; glyph < 20; glyph++)
        observed.fillRect(20 + glyph * 8, 20 + line * 14, 5, 8, black);
    }
    observed.fillRect(300, 250, 6, 6, red);
    const result = await diff(baseline, observed);
    expect(result.changedRegions).toEqual([
      { x: 20, y: 20, width: 20 * 8 - 3, height: 3 * 14 + 8 },
      { x: 300, y: 250, width: 6, height: 6 },
    ]);
  });
});

describe('computeDiff: output images', () => {
  it('draws changed pixels in red over the greyed observed image, and a heatmap hot at the change', async () => {
    const baseline = new TestImage(200, 200, [30, 120, 200]).fillRect(0, 100, 200, 100, white);
    const observed = baseline.clone().fillRect(20, 20, 20, 20, [250, 250, 0]);
    const result = await diff(baseline, observed, {});
    invariantDefined(result.diffImage);
    invariantDefined(result.heatmap);
    const diffImage = await decodeRgba(result.diffImage);
    expect(pixelAt(diffImage, 30, 30)).toEqual([255, 0, 64]);
    const [r, g, b] = pixelAt(diffImage, 150, 50);
    expect(r).toBe(g);
    expect(g).toBe(b);
    expect(r).toBeGreaterThan(150); // greyed and faded

    const heatmap = await decodeRgba(result.heatmap);
    const [hr, hg, hb] = pixelAt(heatmap, 30, 30);
    expect(Math.max(hr, hg, hb) - Math.min(hr, hg, hb)).toBeGreaterThan(60); // coloured
    const [fr, fg, fb] = pixelAt(heatmap, 180, 180);
    expect(fr === fg && fg === fb).toBe(true); // far from the change: plain grey
  });

  it('produces only the requested images', async () => {
    const result = await diff(new TestImage(20, 20), new TestImage(20, 20, black), {
      outputs: { diffImage: false, heatmap: true },
    });
    expect(result.diffImage).toBeUndefined();
    expect(result.heatmap).toBeInstanceOf(Buffer);
  });
});

function pixelAt(
  image: { data: Buffer; width: number },
  x: number,
  y: number,
): [number, number, number] {
  const i = (y * image.width + x) * 4;
  return [image.data[i] ?? -1, image.data[i + 1] ?? -1, image.data[i + 2] ?? -1];
}

function invariantDefined<T>(value: T | undefined): asserts value is T {
  expect(value).toBeDefined();
}
