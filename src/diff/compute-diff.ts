import { availableParallelism, loadavg } from 'node:os';
import type { Rect } from '../shared/domain.ts';
import { runOnBandHelper } from './band-helper.ts';
import { createChangeGrid } from './change-grid.ts';
import type { ChangeGrid } from './change-grid.ts';
import { findChangedRegions } from './changed-regions.ts';
import { comparePixels, markNonOverlap } from './compare-pixels.ts';
import type { Sensitivity } from './compare-pixels.ts';
import { decodePng, pngSize, readPngBytes } from './decode-png.ts';
import type { RgbaImage } from './decode-png.ts';
import { createDiffMask } from './diff-mask.ts';
import type { DiffOptions, DiffResult, ImageSize, PngInput } from './diff.types.ts';
import { clipIgnoreRegions } from './ignore-regions.ts';
import { encodeIndexedPng } from './indexed-png.ts';
import { createOutputImages, hatchIgnored, heatSourceOf, renderRows } from './render-images.ts';
import type { RenderedImages } from './render-images.ts';
import { BAND_HEIGHT, allRows } from './row-bands.ts';
import type { RowBands } from './row-bands.ts';
import { AppError } from '../shared/errors.ts';

export const DEFAULT_THRESHOLD = 0.1;

/** How computeDiff may use threads. */
export interface DiffEngineSettings {
  /**
   * Split one large comparison between this thread and a helper thread (bands of rows in
   * shared memory). Worth it when comparisons come one at a time; a pool that already keeps
   * every core busy with separate comparisons turns it off.
   */
  bandThreads: boolean;
}

/** Below this many pixels a helper thread costs more (shared copies, messages) than it saves. */
const BAND_THREADS_MIN_PIXELS = 1_000_000;

/**
 * Band threads pay reliably only when a core is idle: on a busy 2-core machine (load average
 * ≈ 20) the helper waits to be scheduled, and runs with it ranged from 1.8× faster to 1.2×
 * slower than on one thread. The 1-minute load average is a cheap, if lagging, sign of that.
 */
function defaultSettings(): DiffEngineSettings {
  const cores = availableParallelism();
  return { bandThreads: cores > 1 && (loadavg()[0] ?? 0) < cores - 0.5 };
}

/**
 * Compares an observed screenshot with its baseline. Byte-identical inputs return at once
 * without decoding. Images of different sizes are compared on their common top-left area; the
 * rest of either image counts as changed.
 */
export function computeDiff(
  baseline: PngInput,
  observed: PngInput,
  options: DiffOptions = {},
): Promise<DiffResult> {
  return computeDiffWith(baseline, observed, options, defaultSettings());
}

export async function computeDiffWith(
  baseline: PngInput,
  observed: PngInput,
  options: DiffOptions,
  settings: DiffEngineSettings,
): Promise<DiffResult> {
  const sensitivity = sensitivityOf(options);
  const [baselineBytes, observedBytes] = await Promise.all([
    readPngBytes(baseline, 'baseline'),
    readPngBytes(observed, 'observed'),
  ]);
  if (baselineBytes.equals(observedBytes)) return identicalResult(baselineBytes);

  const [baselineImage, observedImage] = await Promise.all([
    decodePng(baselineBytes, 'baseline'),
    decodePng(observedBytes, 'observed'),
  ]);
  return compareImages(baselineImage, observedImage, sensitivity, options, settings);
}

interface Analysis {
  diffPixels: number;
  grid: ChangeGrid;
  images: RenderedImages;
}

interface AnalysisInput {
  baseline: RgbaImage;
  observed: RgbaImage;
  sensitivity: Sensitivity;
  ignored: Rect[];
  wanted: { diffImage: boolean; heatmap: boolean };
}

async function compareImages(
  baseline: RgbaImage,
  observed: RgbaImage,
  sensitivity: Sensitivity,
  options: DiffOptions,
  settings: DiffEngineSettings,
): Promise<DiffResult> {
  const width = Math.max(baseline.width, observed.width);
  const height = Math.max(baseline.height, observed.height);
  const input: AnalysisInput = {
    baseline,
    observed,
    sensitivity,
    ignored: clipIgnoreRegions(options.ignoreRegions ?? [], width, height),
    wanted: {
      diffImage: options.outputs?.diffImage ?? true,
      heatmap: options.outputs?.heatmap ?? true,
    },
  };
  const sameSize = baseline.width === observed.width && baseline.height === observed.height;
  const useBands = settings.bandThreads && sameSize && width * height >= BAND_THREADS_MIN_PIXELS;
  // should the helper thread fail, the comparison is redone here from scratch
  const { diffPixels, grid, images } = useBands
    ? await analyseInBands(input).catch(() => analyseOnThisThread(input))
    : analyseOnThisThread(input);
  hatchIgnored(images, input.ignored);
  // both deflate on libuv's pool, in parallel, while this thread finds the regions
  const encoded = Promise.all([
    images.diffImage && encodeIndexedPng(images.diffImage),
    images.heatmap && encodeIndexedPng(images.heatmap),
  ]);

  const largerImagePixels = Math.max(
    baseline.width * baseline.height,
    observed.width * observed.height,
  );
  // Pixels present in one image only can outnumber the larger image (a 10×1000 vs 1000×10 swap).
  const diffRatio = Math.min(1, diffPixels / largerImagePixels);
  const result: DiffResult = {
    identical: false,
    diffPixels,
    diffRatio,
    diffPercent: diffRatio * 100,
    baselineSize: sizeOf(baseline),
    observedSize: sizeOf(observed),
    dimensionsChanged: !sameSize,
    sizeChange: {
      width: observed.width - baseline.width,
      height: observed.height - baseline.height,
    },
    changedRegions: findChangedRegions(grid),
  };
  const [diffImageBytes, heatmapBytes] = await encoded;
  if (diffImageBytes) result.diffImage = diffImageBytes;
  if (heatmapBytes) result.heatmap = heatmapBytes;
  return result;
}

function analyseOnThisThread({
  baseline,
  observed,
  sensitivity,
  ignored,
  wanted,
}: AnalysisInput): Analysis {
  const width = Math.max(baseline.width, observed.width);
  const height = Math.max(baseline.height, observed.height);
  const common = {
    width: Math.min(baseline.width, observed.width),
    height: Math.min(baseline.height, observed.height),
  };
  const mask = createDiffMask(width, height);
  const grid = createChangeGrid(width, height);
  let diffPixels = comparePixels(
    commonArea(baseline, common),
    commonArea(observed, common),
    common.width,
    common.height,
    sensitivity,
    ignored,
    mask,
    grid,
    baseline.opaque && observed.opaque,
  );
  diffPixels += markNonOverlap(common, baseline, observed, ignored, mask, grid);
  const images = createOutputImages(width, height, wanted, false);
  renderRows(baseline, observed, mask, heatSourceOf(grid), images, allRows(height));
  return { diffPixels, grid, images };
}

/**
 * Same-size images only: this thread and the band helper each take every other band of rows,
 * first comparing, then (once the whole grid is known, for the heat) drawing.
 */
async function analyseInBands(input: AnalysisInput): Promise<Analysis> {
  const baseline = sharedCopy(input.baseline);
  const observed = sharedCopy(input.observed);
  const { width, height } = baseline;
  const mask = createDiffMask(width, height, true);
  const grid = createChangeGrid(width, height, true);
  const mine: RowBands = { bandHeight: BAND_HEIGHT, part: 0, parts: 2 };
  const theirs: RowBands = { ...mine, part: 1 };
  const { sensitivity, ignored } = input;

  const helperCount = runOnBandHelper({
    kind: 'compare',
    baseline,
    observed,
    sensitivity,
    ignored,
    mask,
    grid,
    rows: theirs,
  });
  const opaque = baseline.opaque && observed.opaque;
  const myCount = comparePixels(
    baseline.data,
    observed.data,
    width,
    height,
    sensitivity,
    ignored,
    mask,
    grid,
    opaque,
    mine,
  );
  const diffPixels = myCount + (await helperCount);

  const images = createOutputImages(width, height, input.wanted, true);
  const heat = heatSourceOf(grid);
  const helperDrawing = runOnBandHelper({
    kind: 'render',
    baseline,
    observed,
    mask,
    heat,
    images,
    rows: theirs,
  });
  renderRows(baseline, observed, mask, heat, images, mine);
  await helperDrawing;
  return { diffPixels, grid, images };
}

function sharedCopy(image: RgbaImage): RgbaImage {
  const data = Buffer.from(new SharedArrayBuffer(image.data.length));
  image.data.copy(data);
  return { ...image, data };
}

// The common top-left area as a packed RGBA buffer; a view when the width already matches.
function commonArea(image: RgbaImage, common: ImageSize): Buffer {
  const rowBytes = common.width * 4;
  if (image.width === common.width) return image.data.subarray(0, rowBytes * common.height);
  const out = Buffer.allocUnsafe(rowBytes * common.height);
  for (let y = 0; y < common.height; y++) {
    image.data.copy(out, y * rowBytes, y * image.width * 4, y * image.width * 4 + rowBytes);
  }
  return out;
}

function sensitivityOf(options: DiffOptions): Sensitivity {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new AppError('validation_failed', `threshold must be between 0 and 1, got ${threshold}`);
  }
  return {
    threshold,
    includeAntiAliasing: options.includeAntiAliasing ?? false,
    solidAreaSensitivity: options.solidAreaSensitivity ?? true,
  };
}

function sizeOf(image: RgbaImage): ImageSize {
  return { width: image.width, height: image.height };
}

function identicalResult(png: Buffer): DiffResult {
  const size = pngSize(png, 'baseline');
  return {
    identical: true,
    diffPixels: 0,
    diffRatio: 0,
    diffPercent: 0,
    baselineSize: size,
    observedSize: { ...size },
    dimensionsChanged: false,
    sizeChange: { width: 0, height: 0 },
    changedRegions: [],
  };
}
