import { describe, expect, it } from 'vitest';
import { runOnBandHelper } from './band-helper.ts';
import { createChangeGrid } from './change-grid.ts';
import { comparePixels } from './compare-pixels.ts';
import type { RgbaImage } from './decode-png.ts';
import { createDiffMask } from './diff-mask.ts';
import { TestImage } from './test-support/images.ts';

function shared(image: TestImage): RgbaImage {
  const data = Buffer.from(new SharedArrayBuffer(image.data.length));
  image.data.copy(data);
  return { data, width: image.width, height: image.height, opaque: true };
}

describe('band helper thread', () => {
  it('compares its share of rows in shared memory, the caller the other share, adding up to the whole', async () => {
    const baseline = new TestImage(200, 256);
    const observed = new TestImage(200, 256);
    for (let y = 0; y < 256; y += 16) observed.fillRect(10, y, 50, 3, [0, 0, 0]); // 3 rows in each 16
    const a = shared(baseline);
    const b = shared(observed);
    const mask = createDiffMask(200, 256, true);
    const grid = createChangeGrid(200, 256, true);
    const sensitivity = { threshold: 0.1, includeAntiAliasing: false, solidAreaSensitivity: true };
    const rows = { bandHeight: 64, part: 1, parts: 2 };

    const helperCount = await runOnBandHelper({
      kind: 'compare',
      baseline: a,
      observed: b,
      sensitivity,
      ignored: [],
      mask,
      grid,
      rows,
    });
    const myCount = comparePixels(a.data, b.data, 200, 256, sensitivity, [], mask, grid, true, {
      ...rows,
      part: 0,
    });

    expect(helperCount).toBe(8 * 3 * 50); // rows 64..127 and 192..255
    expect(myCount).toBe(8 * 3 * 50);
    expect(mask.changedRows[193]).toBe(1); // written by the helper, seen here
    expect(mask.pixels.reduce((sum, v) => sum + v, 0)).toBe(16 * 3 * 50);
  });
});
