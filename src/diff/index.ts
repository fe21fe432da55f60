// The diff engine: pure image comparison (no HTTP, no SQL).
export { computeDiff, DEFAULT_THRESHOLD } from './compute-diff.ts';
export { createDiffPool } from './diff-pool.ts';
export type { DiffPool, DiffPoolOptions } from './diff-pool.ts';
export { diffLevel, summarizeDiffs } from './diff-level.ts';
export type { ExecutionDiff, RunDiffSummary } from './diff-level.ts';
export type { DiffOptions, DiffResult, ImageSize, PngInput } from './diff.types.ts';
