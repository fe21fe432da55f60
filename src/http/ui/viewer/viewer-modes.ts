import type { Execution } from '../../../runs/run.schema.ts';

export const viewerModes = [
  { id: 'observed', label: 'Observed', needs: ['screenshot'] },
  { id: 'baseline', label: 'Baseline', needs: ['baseline'] },
  { id: 'diff', label: 'Diff', needs: ['diff'] },
  { id: 'heatmap', label: 'Heatmap', needs: ['heatmap'] },
  // Against the baseline, or (a reference run has none) against the reference URL's capture.
  { id: 'side-by-side', label: 'Side by side', needs: ['screenshot'] },
  { id: 'slider', label: 'Slider', needs: ['baseline', 'screenshot'] },
  { id: 'onion', label: 'Onion skin', needs: ['baseline', 'screenshot'] },
  { id: 'reference', label: 'Reference vs observed', needs: ['reference', 'screenshot'] },
  // Issue 15: the diff with the detected moves undone: what changed beyond what moved.
  { id: 'aligned', label: 'Aligned diff', needs: ['aligned'] },
] as const;

export type ViewerMode = (typeof viewerModes)[number]['id'];

export function availableModes(execution: Execution): Set<ViewerMode> {
  const available = new Set<ViewerMode>();
  for (const mode of viewerModes) {
    if (mode.needs.every((kind) => execution.artifacts[kind] !== undefined)) available.add(mode.id);
  }
  if (sideBySideBefore(execution) === undefined) available.delete('side-by-side');
  return available;
}

/** The mode a viewer opens in: the diff when there is a change to look at, else the screenshot. */
export function defaultMode(execution: Execution, available: Set<ViewerMode>): ViewerMode {
  if (execution.diffLevel && execution.diffLevel !== 'none' && available.has('diff')) return 'diff';
  if (available.has('observed')) return 'observed';
  return [...available][0] ?? 'observed';
}

/** The left image of side by side: the baseline, else the reference URL's capture. */
export function sideBySideBefore(
  execution: Execution,
): { src: string; label: 'Baseline' | 'Reference' } | undefined {
  const { baseline, reference } = execution.artifacts;
  if (baseline !== undefined) return { src: baseline, label: 'Baseline' };
  if (reference !== undefined) return { src: reference, label: 'Reference' };
  return undefined;
}
