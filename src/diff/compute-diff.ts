import type { Rect } from '../shared/domain.ts';
import { alignBaseline } from './align-baseline.ts';
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
import { createOutputImages, hatchIgnored, heatSourceOf, renderImages } from './render-images.ts';
import type { RenderedImages } from './render-images.ts';
import { AppError } from '../shared/errors.ts';

export const DEFAULT_THRESHOLD = 0.1;

/**
 * Compares an observed screenshot with its baseline. Byte-identical inputs return at once
 * without decoding. Images of different sizes are compared on their common top-left area; the
 * rest of either image counts as changed.
 */
export async function computeDiff(
  baseline: PngInput,
  observed: PngInput,
  options: DiffOptions = {},
): Promise<DiffResult> {
  const sensitivity = sensitivityOf(options);
  const [baselineBytes, observedBytes] = await Promise.all([
    readPngBytes(baseline, 'baseline'),
    readPngBytes(observed, 'observed'),
  ]);
  if (baselineBytes.equals(observedBytes)) return identicalResult(baselineBytes);

  const [decodedBaseline, observedImage] = await Promise.all([
    decodePng(baselineBytes, 'baseline'),
    decodePng(observedBytes, 'observed'),
  ]);
  const baselineImage = options.alignment
    ? alignBaseline(decodedBaseline, observedImage.width, observedImage.height, options.alignment)
    : decodedBaseline;
  return compareImages(baselineImage, observedImage, sensitivity, options);
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
  const { diffPixels, grid, images } = analyse(input);
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

function analyse({ baseline, observed, sensitivity, ignored, wanted }: AnalysisInput): Analysis {
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
  const images = createOutputImages(width, height, wanted);
  renderImages(baseline, observed, mask, heatSourceOf(grid), images);
  return { diffPixels, grid, images };
}

// The common top-left area as a packed RGBA buffer; a view when the width already matches.
function commonArea(image: RgbaImage, common: ImageSize): Buffer {
  const rowBytes = common.width * 4;
  if (image.width === common.width) return image.data.subarray(0, rowBytes * common.height);
  const out = Buffer.allocUnsafeSlow(rowBytes * common.height); // own memory: 4-byte aligned
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
