import pixelmatch from 'pixelmatch';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxDeltaFor } from './compare-pixels.ts';
import { computeDiff } from './compute-diff.ts';
import { captureScreenshotPair } from './test-support/capture-pair.ts';
import type { ScreenshotPair } from './test-support/capture-pair.ts';
import { decodeRgba } from './test-support/images.ts';
import { isInSolidArea, opaqueColorDelta } from './test-support/oracle.ts';

// Real Chromium screenshots of the fixture page (src/diff/test-support/content-page.ts) served
// on 127.0.0.1: a viewport capture whose only change is a header shifted by 2 px, and a
// 3000 px full page where a rewritten paragraph also pushes everything below it down.

interface DecodedPair {
  baseline: { data: Buffer; width: number; height: number };
  changed: { data: Buffer; width: number; height: number };
}

async function decodePair(pair: ScreenshotPair): Promise<DecodedPair> {
  return { baseline: await decodeRgba(pair.baseline), changed: await decodeRgba(pair.changed) };
}

function pixelmatchMask(
  pair: DecodedPair,
  includeAA: boolean,
): { count: number; mask: Uint8Array } {
  const { width, height } = pair.baseline;
  const output = new Uint8Array(width * height * 4);
  const count = pixelmatch(pair.baseline.data, pair.changed.data, output, width, height, {
    threshold: 0.1,
    includeAA,
    diffMask: true,
  });
  return { count, mask: output };
}

describe('real Chromium screenshots', () => {
  let viewport: ScreenshotPair;
  let fullPage: ScreenshotPair;
  beforeAll(async () => {
    viewport = await captureScreenshotPair(1920, 1080);
    fullPage = await captureScreenshotPair(1280, 3000);
  });

  it('repeat captures of a settled page are byte-identical and short-circuit', async () => {
    const result = await computeDiff(fullPage.baseline, fullPage.baselineAgain);
    expect(result.identical).toBe(true);
    expect(result.observedSize).toEqual({ width: 1280, height: 3000 });
  });

  for (const includeAntiAliasing of [false, true]) {
    it(`counts exactly what pixelmatch counts with solid-area sensitivity off (includeAA ${includeAntiAliasing})`, async () => {
      for (const pair of [viewport, fullPage]) {
        const decoded = await decodePair(pair);
        const result = await computeDiff(pair.baseline, pair.changed, {
          includeAntiAliasing,
          solidAreaSensitivity: false,
        });
        expect(result.diffPixels).toBeGreaterThan(0);
        expect(result.diffPixels).toBe(pixelmatchMask(decoded, includeAntiAliasing).count);
      }
    });
  }

  it('agrees with pixelmatch within 1% by default where no solid area changed subtly', async () => {
    const decoded = await decodePair(viewport);
    const expected = pixelmatchMask(decoded, false).count;
    const result = await computeDiff(viewport.baseline, viewport.changed);
    expect(Math.abs(result.diffPixels - expected) / expected).toBeLessThanOrEqual(0.01);
    expect(result.changedRegions.length).toBeGreaterThan(0);
  });

  it('counts more than pixelmatch by default only where a solid area changed below its threshold', async () => {
    // When content moves, light solid areas trade places (page #fafafa vs card #ffffff): a real,
    // visible change that pixelmatch's 0.1 threshold cannot see. Every extra pixel must be one.
    const decoded = await decodePair(fullPage);
    const { count, mask } = pixelmatchMask(decoded, false);
    const result = await computeDiff(fullPage.baseline, fullPage.changed);
    expect(result.diffImage).toBeDefined();
    const ours = await decodeRgba(result.diffImage ?? Buffer.alloc(0));
    const { width, height } = decoded.baseline;
    const a32 = new Int32Array(
      decoded.baseline.data.buffer,
      decoded.baseline.data.byteOffset,
      width * height,
    );
    const b32 = new Int32Array(
      decoded.changed.data.buffer,
      decoded.changed.data.byteOffset,
      width * height,
    );
    const maxDelta = maxDeltaFor(0.1);

    let extra = 0;
    let missing = 0;
    for (let i = 0; i < width * height; i++) {
      const oursChanged =
        ours.data[i * 4] === 255 && ours.data[i * 4 + 1] === 0 && ours.data[i * 4 + 2] === 64;
      const theirsChanged = mask[i * 4 + 3] === 255;
      if (theirsChanged && !oursChanged) missing++;
      if (!oursChanged || theirsChanged) continue;
      extra++;
      const x = i % width;
      const y = (i - x) / width;
      const delta = opaqueColorDelta(decoded.baseline.data, decoded.changed.data, i * 4);
      expect(delta).toBeGreaterThan(0);
      expect(delta).toBeLessThanOrEqual(maxDelta);
      expect(
        isInSolidArea(a32, x, y, width, height) && isInSolidArea(b32, x, y, width, height),
      ).toBe(true);
    }
    expect(missing).toBe(0);
    expect(result.diffPixels).toBe(count + extra);
    expect(extra).toBeGreaterThan(0);
  });
});
