import type { AppContext } from '../app-context.ts';
import type { BrowserPool } from '../capture/browser-pool.ts';
import { CaptureError } from '../capture/capture-error.ts';
import { captureExecution } from '../capture/capture-execution.ts';
import type { CaptureLogLine, CaptureRequest, CaptureResult } from '../capture/capture.types.ts';
import { nowIso } from '../shared/clock.ts';
import type { Rect } from '../shared/domain.ts';
import { ignoredRegionsOf, type CaptureInputs } from './capture-inputs.ts';
import { compareWithBaseline, comparedImageOf, type Comparison } from './compare-with-baseline.ts';
import type { ExecutionRecord } from './executions.repository.ts';
import type { ImageDiffer } from './image-differ.ts';
import type { RunRecord } from './runs.repository.ts';

// Confirm before flagging (issue 16): a compare that finds a diff captures the cell once more,
// in a fresh context. Pixels that differ between the two captures are unstable — the page moves
// by itself — and never make a change minor or major: they are reported as the unstable region
// (`unstable: true`). What differs from the baseline identically in both captures stands.

export interface ConfirmDeps {
  ctx: AppContext;
  pool: BrowserPool;
  differ: ImageDiffer;
}

export interface ConfirmCell {
  run: RunRecord;
  execution: ExecutionRecord;
  inputs: CaptureInputs;
  capture: CaptureResult;
  signal: AbortSignal;
  onLog: (line: CaptureLogLine) => void;
}

/** What a second capture tells about a first one. */
export interface Confirmation {
  /** Bounding boxes of the pixels that differ between the two captures; empty: stable. */
  unstableRegions: Rect[];
  unstablePixels: number;
}

/**
 * Captures the request again and compares the two captures: the differing regions are
 * unstable. Shared with bench/capture, which measures its cost.
 */
export async function confirmByRecapture(
  pool: BrowserPool,
  differ: ImageDiffer,
  request: CaptureRequest,
  firstPng: Buffer,
  ignoreRegions: Rect[],
  hooks: { signal: AbortSignal; onLog?: (line: CaptureLogLine) => void },
): Promise<Confirmation> {
  const { referenceUrl: _reference, ...rest } = request;
  const second = await captureExecution(pool, { ...rest, trace: false }, hooks);
  const between = await differ.computeDiff(firstPng, second.observed.png, {
    ignoreRegions,
    outputs: { diffImage: false, heatmap: false },
  });
  if (between.identical || between.diffPixels === 0) {
    return { unstableRegions: [], unstablePixels: 0 };
  }
  const regions = [...between.changedRegions];
  // A capture that grew or shrank: everything below the shorter one moved.
  if (between.dimensionsChanged) {
    const height = Math.min(between.baselineSize.height, between.observedSize.height);
    const width = Math.max(between.baselineSize.width, between.observedSize.width);
    const bottom = Math.max(between.baselineSize.height, between.observedSize.height);
    if (bottom > height) regions.push({ x: 0, y: height, width, height: bottom - height });
  }
  return { unstableRegions: regions, unstablePixels: between.diffPixels };
}

/**
 * The comparison to record: the first one when there is nothing to confirm (no diff, no
 * baseline, confirmation off) or when both captures agree; else the comparison with the
 * unstable regions ignored, marked unstable. Replaced diff images are removed.
 */
export async function confirmChange(
  deps: ConfirmDeps,
  cell: ConfirmCell,
  /** The comparison of the first capture (its diff images written, not yet recorded). */
  comparison: Comparison | undefined,
): Promise<Comparison | undefined> {
  const { ctx } = deps;
  const { run, execution, inputs, capture, signal } = cell;
  if (
    !inputs.confirmChanges ||
    !comparison ||
    comparison.diffLevel === null ||
    comparison.diffLevel === 'none'
  ) {
    return comparison;
  }
  const log = (level: CaptureLogLine['level'], message: string, durationMs?: number): void => {
    const line: CaptureLogLine = { at: nowIso(), level, step: 'confirm', message };
    if (durationMs !== undefined) line.durationMs = durationMs;
    cell.onLog(line);
  };
  const ignoreRegions = ignoredRegionsOf(inputs, capture);
  log(
    'info',
    `diff ${comparison.diffLevel} (${(comparison.diffPercent ?? 0).toFixed(3)} % of pixels): capturing again in a fresh context to confirm`,
  );
  const started = performance.now();
  let confirmation: Confirmation;
  try {
    confirmation = await confirmByRecapture(
      deps.pool,
      deps.differ,
      inputs.request,
      capture.observed.png,
      ignoreRegions,
      {
        signal,
        onLog: (line) => cell.onLog({ ...line, message: `confirm: ${line.message}` }),
      },
    );
  } catch (error) {
    if (signal.aborted || !(error instanceof CaptureError)) {
      await ctx.artifacts.remove(comparison.artifacts.map((a) => a.storageKey));
      throw error;
    }
    // The page could not be captured twice: the first capture's finding stands, as before.
    log('warn', `could not capture again (${error.message}); the diff stands unconfirmed`);
    return comparison;
  }
  const ms = Math.round(performance.now() - started);
  if (confirmation.unstableRegions.length === 0) {
    log('info', 'the second capture is identical: the change stands', ms);
    return comparison;
  }
  // A changed region (against the baseline) that overlaps pixels moving between the captures,
  // or lies next to them, is unstable as a whole: a clock's text differs from the baseline in
  // all its digits, but between two captures only in the last ones. Changed regions elsewhere
  // stand.
  const unstableRegions = [
    ...confirmation.unstableRegions,
    ...(comparison.details.changedRegions ?? []).filter((changed) =>
      confirmation.unstableRegions.some((moving) => overlaps(changed, moving, sameChangeMarginPx)),
    ),
  ];
  const confirmed = await compareWithBaseline(
    ctx,
    deps.differ,
    run,
    execution,
    comparedImageOf(capture.observed),
    [...ignoreRegions, ...unstableRegions],
    { writeImagesWhenNone: true, ignoreMoves: inputs.ignoreMoves },
  );
  await ctx.artifacts.remove(comparison.artifacts.map((a) => a.storageKey));
  log(
    'info',
    `${confirmation.unstablePixels} pixel(s) in ${confirmation.unstableRegions.length} region(s) ` +
      `differ between the two captures: unstable, not a change; level ${confirmed.diffLevel ?? 'none'} ` +
      `(was ${comparison.diffLevel})`,
    ms,
  );
  return {
    ...confirmed,
    details: {
      ...confirmed.details,
      unstable: true,
      unstableRegions,
    },
  };
}

/** How near (px) a changed region may lie to moving pixels and still be part of them. */
const sameChangeMarginPx = 24;

function overlaps(a: Rect, b: Rect, margin: number): boolean {
  return (
    a.x < b.x + b.width + margin &&
    b.x < a.x + a.width + margin &&
    a.y < b.y + b.height + margin &&
    b.y < a.y + a.height + margin
  );
}
