import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeDiff } from './compute-diff.ts';
import { createDiffPool } from './diff-pool.ts';
import type { DiffPool } from './diff-pool.ts';
import { TestImage } from './test-support/images.ts';

describe('diff pool', () => {
  let pool: DiffPool;
  let dir = '';
  beforeAll(async () => {
    pool = createDiffPool({ size: 2 });
    dir = await mkdtemp(join(tmpdir(), 'scene-diff-pool-'));
  });
  afterAll(async () => {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs several comparisons concurrently with the same results as in-process', async () => {
    const pairs = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const baseline = new TestImage(300, 200).fillRect(10, 10, 50, 40, [0, 0, 0]);
        const observed = baseline.clone().fillRect(20 + i * 30, 60, 10 + i, 20, [200, 0, 0]);
        return [await baseline.png(), await observed.png()] as const;
      }),
    );
    const pooled = await Promise.all(pairs.map(([a, b]) => pool.computeDiff(a, b)));
    const direct = await Promise.all(pairs.map(([a, b]) => computeDiff(a, b)));
    for (let i = 0; i < pairs.length; i++) {
      const { diffImage, heatmap, ...rest } = pooled[i] ?? expect.unreachable();
      const {
        diffImage: directDiff,
        heatmap: directHeat,
        ...directRest
      } = direct[i] ?? expect.unreachable();
      expect(rest).toEqual(directRest);
      expect(rest.diffPixels).toBe((10 + i) * 20);
      expect(Buffer.isBuffer(diffImage)).toBe(true);
      expect(diffImage?.equals(directDiff ?? Buffer.alloc(0))).toBe(true);
      expect(heatmap?.equals(directHeat ?? Buffer.alloc(0))).toBe(true);
    }
  });

  it('short-circuits identical inputs and accepts paths', async () => {
    const png = await new TestImage(50, 50).fillRect(5, 5, 5, 5, [1, 2, 3]).png();
    const path = join(dir, 'same.png');
    await writeFile(path, png);
    const result = await pool.computeDiff(path, Buffer.from(png));
    expect(result.identical).toBe(true);
    expect(result.diffImage).toBeUndefined();
  });

  it('rejects with a clear message when an input is not a PNG, and keeps working', async () => {
    const png = await new TestImage(20, 20).png();
    await expect(pool.computeDiff(png, Buffer.from('GIF89a definitely not a png'))).rejects.toThrow(
      /observed image is not a PNG/,
    );
    await expect(pool.computeDiff(join(dir, 'nope.png'), png)).rejects.toThrow(
      /cannot read the baseline image/,
    );
    const other = await new TestImage(20, 20, [0, 0, 0]).png();
    expect((await pool.computeDiff(png, other)).diffPixels).toBe(400);
  });

  it('leaves the caller’s buffers intact by default and empties them only with transferInputs', async () => {
    const a = await new TestImage(30, 30).png();
    const b = await new TestImage(30, 30, [0, 0, 0]).png();
    await pool.computeDiff(a, b);
    expect(a.length).toBeGreaterThan(0);

    const moving = createDiffPool({ size: 1, transferInputs: true });
    try {
      const ownedA = Buffer.from(new Uint8Array(a).buffer);
      const ownedB = Buffer.from(new Uint8Array(b).buffer);
      const result = await moving.computeDiff(ownedA, ownedB);
      expect(result.diffPixels).toBe(900);
      expect(ownedA.buffer.byteLength).toBe(0); // detached: moved, not copied
    } finally {
      await moving.close();
    }
  });

  it('rejects work after close', async () => {
    const closing = createDiffPool({ size: 1 });
    await closing.close();
    const png = await new TestImage(5, 5).png();
    await expect(closing.computeDiff(png, png)).rejects.toThrow(/closed/);
  });
});
