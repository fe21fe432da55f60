import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compare as blazediffCompare } from '@blazediff/bin';
import { ODiffServer } from 'odiff-bin';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import sharp from 'sharp';
import { computeDiff } from '../../src/diff/compute-diff.ts';
import { createDiffPool } from '../../src/diff/diff-pool.ts';

// Each contender does the full job from files on disk: read and decode both PNGs, compare with
// threshold 0.1 and anti-aliased pixels ignored, encode and write the diff PNG (Scene also
// writes its heatmap). Each returns the differing pixel count it found (null: not reported).

export interface Contender {
  name: string;
  compare(baselinePath: string, observedPath: string, outDir: string): Promise<number | null>;
  close?(): Promise<void>;
}

export function sceneInProcess(): Contender {
  return {
    name: 'Scene',
    async compare(baselinePath, observedPath, outDir) {
      const result = await computeDiff(baselinePath, observedPath);
      await writeOutputs(outDir, 'scene', result.diffImage, result.heatmap);
      return result.diffPixels;
    },
  };
}

export function scenePool(): Contender {
  const pool = createDiffPool({ size: 2 });
  return {
    name: 'Scene (worker pool)',
    async compare(baselinePath, observedPath, outDir) {
      const result = await pool.computeDiff(baselinePath, observedPath);
      await writeOutputs(outDir, 'scene-pool', result.diffImage, result.heatmap);
      return result.diffPixels;
    },
    close: () => pool.close(),
  };
}

async function writeOutputs(
  outDir: string,
  prefix: string,
  diffImage?: Buffer,
  heatmap?: Buffer,
): Promise<void> {
  await Promise.all([
    diffImage ? writeFile(join(outDir, `${prefix}-diff.png`), diffImage) : undefined,
    heatmap ? writeFile(join(outDir, `${prefix}-heatmap.png`), heatmap) : undefined,
  ]);
}

export function pixelmatchPngjs(): Contender {
  return {
    name: 'pixelmatch + pngjs',
    async compare(baselinePath, observedPath, outDir) {
      const [a, b] = await Promise.all([readFile(baselinePath), readFile(observedPath)]);
      const baseline = PNG.sync.read(a);
      const observed = PNG.sync.read(b);
      const { width, height } = baseline;
      const out = new PNG({ width, height });
      const count = pixelmatch(baseline.data, observed.data, out.data, width, height, {
        threshold: 0.1,
      });
      await writeFile(join(outDir, 'pixelmatch-pngjs-diff.png'), PNG.sync.write(out));
      return count;
    },
  };
}

export function pixelmatchSharp(): Contender {
  const decode = (path: string) =>
    sharp(path).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    name: 'pixelmatch + sharp',
    async compare(baselinePath, observedPath, outDir) {
      const [baseline, observed] = await Promise.all([decode(baselinePath), decode(observedPath)]);
      const { width, height } = baseline.info;
      const out = Buffer.alloc(width * height * 4);
      const count = pixelmatch(baseline.data, observed.data, out, width, height, {
        threshold: 0.1,
      });
      await sharp(out, { raw: { width, height, channels: 4 } })
        .png()
        .toFile(join(outDir, 'pixelmatch-sharp-diff.png'));
      return count;
    },
  };
}

export function odiffServer(): Contender {
  const server = new ODiffServer();
  return {
    name: 'odiff (server mode)',
    async compare(baselinePath, observedPath, outDir) {
      const result = await server.compare(
        baselinePath,
        observedPath,
        join(outDir, 'odiff-diff.png'),
        {
          threshold: 0.1,
          antialiasing: true,
        },
      );
      if (result.match) return 0;
      return result.reason === 'pixel-diff' ? result.diffCount : null;
    },
    close: () => {
      server.stop();
      return Promise.resolve();
    },
  };
}

export function blazediff(): Contender {
  return {
    name: '@blazediff/bin',
    async compare(baselinePath, observedPath, outDir) {
      const result = await blazediffCompare(
        baselinePath,
        observedPath,
        join(outDir, 'blazediff-diff.png'),
        {
          threshold: 0.1,
          antialiasing: true,
        },
      );
      if (result.match) return 0;
      return result.reason === 'pixel-diff' ? result.diffCount : null;
    },
  };
}

const factories: Record<string, () => Contender> = {
  scene: sceneInProcess,
  'scene-pool': scenePool,
  'pixelmatch-pngjs': pixelmatchPngjs,
  'pixelmatch-sharp': pixelmatchSharp,
  odiff: odiffServer,
  blazediff,
};

export const contenderKeys = Object.keys(factories);

export function createContender(key: string): Contender {
  const factory = factories[key];
  if (!factory) throw new Error(`unknown contender '${key}' (known: ${contenderKeys.join(', ')})`);
  return factory();
}
