import type { AppContext } from '../app-context.ts';
import type { ArtifactRecord } from '../artifacts/artifacts.repository.ts';
import type { Change } from '../diff/explain/explain-changes.ts';
import { explainDiff, type ExplainDiffInput } from '../diff/explain/explain-diff.ts';
import { decodeLayoutSnapshot, type LayoutSnapshot } from '../shared/layout-snapshot.ts';
import { writeExecutionFiles, type FileOwner } from './execution-artifacts.ts';
import type { ImageDiffer } from './image-differ.ts';

// Issue 15: a compare's diff explained as element changes (diff/explain/), its aligned diff
// image stored as the execution's `aligned` artifact.

export interface Explanation {
  changes: Change[];
  changeSummary: string;
  changedPercent: number;
  /** The aligned diff image, written (the caller records or removes it); none without moves. */
  artifacts: ArtifactRecord[];
}

export async function explainComparison(
  ctx: AppContext,
  differ: ImageDiffer,
  input: ExplainDiffInput,
  file: FileOwner,
): Promise<Explanation> {
  const explained = await explainDiff(input, (baseline, observed, options) =>
    differ.computeDiff(baseline, observed, options),
  );
  const artifacts = await writeExecutionFiles(ctx, file, [
    { kind: 'aligned', extension: 'png', bytes: explained.alignedDiff },
  ]);
  return {
    changes: explained.changes,
    changeSummary: explained.changeSummary,
    changedPercent: explained.changedPercent,
    artifacts,
  };
}

/** The baseline entry's stored snapshot; undefined when it has none or it cannot be read. */
export async function loadLayoutSnapshot(
  ctx: AppContext,
  fileKey: string | null,
): Promise<LayoutSnapshot | undefined> {
  if (fileKey === null) return undefined;
  try {
    return decodeLayoutSnapshot(await ctx.artifacts.get(fileKey));
  } catch (error) {
    ctx.logger.warn({ err: error, fileKey }, 'could not read a baseline layout snapshot');
    return undefined;
  }
}
