import { computeDiff } from '../diff/compute-diff.ts';
import type { DiffOptions, DiffResult, PngInput } from '../diff/diff.types.ts';

/** How the run engine reaches the diff engine: in this thread, or a worker pool of it. */
export interface ImageDiffer {
  computeDiff(baseline: PngInput, observed: PngInput, options: DiffOptions): Promise<DiffResult>;
  close(): Promise<void>;
}

export function createInThreadDiffer(): ImageDiffer {
  return {
    computeDiff: (baseline, observed, options) => computeDiff(baseline, observed, options),
    close: () => Promise.resolve(),
  };
}
