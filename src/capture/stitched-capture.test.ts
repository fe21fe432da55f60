import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePaths } from '../../test/fixtures/site/fixture-site.ts';
import { veryTallPageHeight } from '../../test/fixtures/site/heavy-pages.ts';
import { captureExecution } from './capture-execution.ts';
import { captureRequest, useCaptureFixture } from './capture-test-helpers.ts';
import { segmentHeight } from './screenshot.ts';

// Pages taller than Chromium's 16,384 px surface limit are captured whole, in stitched segments.

const fixture = useCaptureFixture({ beforeAll, afterAll });

describe('stitched full-page capture', () => {
  it('captures a 40,000 px page completely: the screenshot is as tall as the page and its bottom is there', async () => {
    const result = await captureExecution(
      fixture.pool,
      captureRequest(fixture.site.url + fixturePaths.veryTall),
      {
        signal: new AbortController().signal,
      },
    );
    const { png, height, width } = result.observed;
    expect(height).toBeGreaterThan(veryTallPageHeight);
    expect(height).toBeGreaterThan(2 * segmentHeight);
    expect(result.log.some((l) => /captured the top/.test(l.message))).toBe(false);
    const meta = await sharp(png, { limitInputPixels: false }).metadata();
    expect({ width: meta.width, height: meta.height }).toEqual({ width, height });

    // The red (or, once scrolled into view, green) #tall-end band is in the last rows.
    const bottom = 400;
    const { data, info } = await sharp(png, { limitInputPixels: false })
      .extract({ left: 0, top: height - bottom, width, height: bottom })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    let endRows = 0;
    for (let y = 0; y < info.height; y++) {
      const i = (y * info.width + Math.floor(info.width / 2)) * 3;
      const [r, g, b] = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
      const red = r > 200 && g < 80 && b < 80;
      const green = g > 130 && r < 60 && b < 100;
      if (red || green) endRows++;
    }
    expect(endRows).toBeGreaterThanOrEqual(30);
  }, 120_000);
});
