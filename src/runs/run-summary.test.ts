import { describe, expect, it } from 'vitest';
import { deriveRunStatus, summarizeRun } from './run-summary.ts';

const counts = (
  c: Partial<Record<'queued' | 'running' | 'finished' | 'failed' | 'cancelled', number>>,
) => ({
  queued: 0,
  running: 0,
  finished: 0,
  failed: 0,
  cancelled: 0,
  ...c,
});

describe('deriveRunStatus', () => {
  const base = { timedOut: 0, runCancelReason: null, started: false };

  it('is queued until something starts, running while anything is left', () => {
    expect(deriveRunStatus({ ...base, counts: counts({ queued: 3 }) })).toBe('queued');
    expect(deriveRunStatus({ ...base, counts: counts({ queued: 2, running: 1 }) })).toBe('running');
    expect(deriveRunStatus({ ...base, counts: counts({ queued: 2, finished: 1 }) })).toBe(
      'running',
    );
    // A retried run whose cells are all queued again has started before.
    expect(deriveRunStatus({ ...base, started: true, counts: counts({ queued: 2 }) })).toBe(
      'running',
    );
  });

  it('ends cancelled when the run was cancelled, else failed on a failure or timeout, else finished', () => {
    expect(
      deriveRunStatus({
        ...base,
        runCancelReason: 'user',
        counts: counts({ finished: 1, cancelled: 2 }),
      }),
    ).toBe('cancelled');
    expect(
      deriveRunStatus({
        ...base,
        runCancelReason: 'timeout',
        counts: counts({ failed: 1, cancelled: 2 }),
      }),
    ).toBe('cancelled');
    expect(deriveRunStatus({ ...base, counts: counts({ finished: 2, failed: 1 }) })).toBe('failed');
    expect(
      deriveRunStatus({ ...base, timedOut: 1, counts: counts({ finished: 2, cancelled: 1 }) }),
    ).toBe('failed');
    expect(deriveRunStatus({ ...base, counts: counts({ finished: 2, cancelled: 1 }) })).toBe(
      'finished',
    );
    expect(deriveRunStatus({ ...base, counts: counts({ cancelled: 3 }) })).toBe('cancelled');
    expect(deriveRunStatus({ ...base, counts: counts({ finished: 3 }) })).toBe('finished');
  });
});

describe('summarizeRun', () => {
  it('counts statuses and levels and takes the run level from the diff engine', () => {
    const summary = summarizeRun(
      'compare',
      [
        { status: 'finished', diffPercent: 0, diffLevel: 'none' },
        { status: 'finished', diffPercent: 0.05, diffLevel: 'minor' },
        { status: 'finished', diffPercent: 3, diffLevel: 'major' },
        { status: 'finished', diffPercent: null, diffLevel: null },
        { status: 'failed', diffPercent: null, diffLevel: null },
        { status: 'queued', diffPercent: null, diffLevel: null },
      ],
      0.1,
    );
    expect(summary).toMatchObject({
      total: 6,
      finished: 4,
      failed: 1,
      queued: 1,
      none: 1,
      minor: 1,
      major: 1,
      noBaseline: 1,
      maxDiffPercent: 3,
      diffLevel: 'major',
    });
    expect(summary.avgDiffPercent).toBeCloseTo(3.05 / 3);
  });

  it('has no diff level for baseline runs', () => {
    const summary = summarizeRun(
      'baseline',
      [{ status: 'finished', diffPercent: null, diffLevel: null }],
      0.1,
    );
    expect(summary).toMatchObject({
      finished: 1,
      noBaseline: 0,
      diffLevel: null,
      avgDiffPercent: null,
    });
  });
});
