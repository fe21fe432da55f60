import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { DiffOptions, DiffResult } from './diff.types.ts';
import { jsKernel } from './js-kernel.ts';
import { loadNativeKernel } from './native-kernel.ts';
import { captureScreenshotPair, type ScreenshotPair } from './test-support/capture-pair.ts';
import { TestImage, seededRandom } from './test-support/images.ts';

// The JavaScript fallback must give exactly the native kernel's results, never "nearly": the
// whole comparison (counts, regions, diff image and heatmap PNG bytes) is run once with each
// kernel on the diff engine's fixtures and compared byte for byte.

type ComputeDiff = (
  baseline: Buffer,
  observed: Buffer,
  options?: DiffOptions,
) => Promise<DiffResult>;

/** computeDiff from a fresh module graph whose native-kernel.ts hands out `kernel`. */
const kernelCalls = { native: 0, js: 0 };

async function computeDiffWith(kind: 'native' | 'js'): Promise<ComputeDiff> {
  vi.resetModules();
  const chosen = kind === 'native' ? loadNativeKernel() : jsKernel;
  const counted: typeof jsKernel = {
    compare: (...args) => {
      kernelCalls[kind]++;
      return chosen.compare(...args);
    },
    render: (...args) => chosen.render(...args),
  };
  vi.doMock('./native-kernel.ts', () => ({ kernel: counted }));
  const module = await import('./compute-diff.ts');
  vi.doUnmock('./native-kernel.ts');
  return module.computeDiff;
}

const white = [255, 255, 255] as const;
const black = [0, 0, 0] as const;

function noisy(width: number, height: number, seed: number, alpha = false): TestImage {
  const random = seededRandom(seed);
  const image = new TestImage(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = Math.floor(random() * 256);
      image.set(x, y, [v, (v * 7) % 256, 255 - v, alpha ? Math.floor(random() * 256) : 255]);
    }
  }
  return image;
}

/** A page-like image: bands, boxes, glyph-like anti-aliased strokes. */
function pageLike(width: number, height: number, shift = 0, tint = 0): TestImage {
  const image = new TestImage(width, height, [250, 250, 250]);
  image.fillRect(0, 0, width, 40, [30 + tint, 60, 120]);
  for (let i = 0; i < 12; i++) {
    image.fillRect(20 + i * 30 + shift, 80 + (i % 3) * 50, 22, 30, [200, 80 + i * 10, 40]);
  }
  for (let y = 250; y < Math.min(height, 400); y += 9) {
    for (let x = 10; x < width - 10; x++) {
      const edge = (x * 13 + y * 7 + shift) % 17;
      if (edge < 5) image.set(x, y, [edge * 40, edge * 40, edge * 40]);
      else if (edge === 5) image.set(x, y, [128, 128, 128]);
    }
  }
  return image;
}

interface Case {
  name: string;
  pair: () => Promise<[Buffer, Buffer]> | [TestImage, TestImage];
  options?: DiffOptions;
}

const cases: Case[] = [
  {
    name: 'a black box added',
    pair: () => [new TestImage(64, 48), new TestImage(64, 48).fillRect(5, 5, 10, 10, black)],
  },
  {
    name: 'a one-level background change (solid-area rule)',
    pair: () => [new TestImage(80, 60, [200, 200, 200]), new TestImage(80, 60, [201, 200, 200])],
  },
  {
    name: 'solid-area sensitivity off and anti-aliasing counted',
    pair: () => [pageLike(300, 420), pageLike(300, 420, 1, 2)],
    options: { solidAreaSensitivity: false, includeAntiAliasing: true },
  },
  {
    name: 'page-like content shifted by 2 px',
    pair: () => [pageLike(400, 420), pageLike(400, 420, 2, 3)],
  },
  {
    name: 'page-like content with ignore regions, low threshold',
    pair: () => [pageLike(400, 420), pageLike(400, 420, 1, 9)],
    options: {
      threshold: 0.02,
      ignoreRegions: [
        { x: 0, y: 0, width: 120, height: 60 },
        { x: 300, y: 250, width: 100, height: 80 },
      ],
    },
  },
  { name: 'opaque noise', pair: () => [noisy(97, 53, 1), noisy(97, 53, 2)] },
  { name: 'translucent noise', pair: () => [noisy(61, 47, 3, true), noisy(61, 47, 4, true)] },
  {
    name: 'translucent against opaque',
    pair: () => [
      new TestImage(50, 50, [0, 0, 255, 128]).fillRect(10, 10, 5, 5, white),
      new TestImage(50, 50, [0, 0, 255]),
    ],
  },
  { name: 'a taller observed image', pair: () => [pageLike(300, 300), pageLike(300, 380, 0, 5)] },
  { name: 'a wider baseline image', pair: () => [pageLike(330, 300), pageLike(300, 300)] },
  {
    name: 'only the diff image',
    pair: () => [pageLike(200, 300), pageLike(200, 300, 3)],
    options: { outputs: { heatmap: false } },
  },
  {
    name: 'a large image (the native kernel splits its rows across two threads)',
    pair: () => [pageLike(1280, 1000), pageLike(1280, 1000, 4, 11)],
  },
];

describe('the JavaScript diff kernel', () => {
  let native: ComputeDiff;
  let fallback: ComputeDiff;
  beforeAll(async () => {
    native = await computeDiffWith('native');
    fallback = await computeDiffWith('js');
  });

  it.each(cases)('equals the native kernel byte for byte: $name', async ({ pair, options }) => {
    const [a, b] = await pair();
    const baseline = a instanceof TestImage ? await a.png() : a;
    const observed = b instanceof TestImage ? await b.png() : b;
    const before = { ...kernelCalls };
    const expected = await native(baseline, observed, options);
    const actual = await fallback(baseline, observed, options);
    // each module graph really ran its own kernel
    expect(kernelCalls.native).toBeGreaterThan(before.native);
    expect(kernelCalls.js).toBeGreaterThan(before.js);
    expect(expected.diffPixels).toBeGreaterThan(0);
    expect(actual).toEqual(expected);
    expect(actual.diffImage?.equals(expected.diffImage ?? Buffer.alloc(0))).toBe(true);
    if (expected.heatmap) expect(actual.heatmap?.equals(expected.heatmap)).toBe(true);
  });

  describe('on real Chromium screenshots', () => {
    let screenshots: ScreenshotPair;
    beforeAll(async () => {
      screenshots = await captureScreenshotPair(1280, 2400);
    });

    it('equals the native kernel byte for byte (full page, changed paragraph)', async () => {
      const expected = await native(screenshots.baseline, screenshots.changed);
      const actual = await fallback(screenshots.baseline, screenshots.changed);
      expect(expected.diffPixels).toBeGreaterThan(0);
      expect(actual).toEqual(expected);
    });
  });

  // The same argument checks as the native kernel (src/diff/native-kernel.test.ts).
  it('refuses buffers smaller than the sizes given, with the native messages', () => {
    const image = new Uint8Array(4 * 4 * 4);
    const bounds = new Int32Array(4);
    expect(() =>
      jsKernel.compare(
        image,
        image,
        16,
        16,
        0,
        0,
        new Int32Array(0),
        new Uint8Array(256),
        16,
        new Uint8Array(16),
        new Uint16Array(4),
        bounds,
        bounds,
        bounds,
        bounds,
        2,
      ),
    ).toThrow(/images smaller than width × height/);
    const compare = jsKernel.compare as unknown as (...args: unknown[]) => number;
    expect(() => compare(image, image, 1, 1)).toThrow(/compare takes 16 arguments/);
    const full = new Uint8Array(16 * 16 * 4);
    expect(() =>
      jsKernel.render(
        full,
        16,
        16,
        full,
        16,
        16,
        1,
        new Uint8Array(256),
        new Uint8Array(16),
        16,
        16,
        new Uint8Array(10),
        null,
        new Float32Array(4),
        2,
        2,
        new Uint8Array(768),
        new Int32Array(5),
      ),
    ).toThrow(/render buffers do not match the canvas/);
  });
});
