import { describe, expect, it } from 'vitest';
import type { ExecutionStatus } from '../shared/domain.ts';
import { deriveRunStatus, summarizeRun, type OutcomeGroup } from './run-summary.ts';

/** One execution as a group of one. */
function one(
  status: ExecutionStatus,
  diffPercent: number | null,
  diffLevel: string | null,
  /** The percent its level was graded on, when not diffPercent (ignoring moves). */
  levelPercent = diffPercent,
): OutcomeGroup {
  const percent = diffPercent ?? 0;
  return {
    status,
    diffLevel,
    count: 1,
    sumDiffPercent: percent,
    maxDiffPercent: percent,
    maxLevelPercent: levelPercent ?? 0,
  };
}

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
        one('finished', 0, 'none'),
        one('finished', 0.05, 'minor'),
        one('finished', 3, 'major'),
        one('finished', null, null),
        one('failed', null, null),
        one('queued', null, null),
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

  it('counts groups of executions as a database aggregates them', () => {
    const summary = summarizeRun(
      'compare',
      [
        { ...one('finished', 0.08, 'minor'), count: 3, sumDiffPercent: 0.15 },
        { ...one('finished', 0, 'none'), count: 5 },
        { ...one('running', null, null), count: 2 },
      ],
      0.1,
    );
    expect(summary).toMatchObject({
      total: 10,
      finished: 8,
      running: 2,
      none: 5,
      minor: 3,
      major: 0,
      maxDiffPercent: 0.08,
      diffLevel: 'minor',
    });
    expect(summary.avgDiffPercent).toBeCloseTo(0.15 / 8);
  });

  it('takes the run level from the levels its executions were graded on (ignoring moves)', () => {
    // Graded by changedPercent: the raw diffs (30 %, 12 %) are moves, not changes.
    const ignoringMoves = [
      one('finished', 30, 'none', 0),
      one('finished', 12, 'minor', 0.05),
      one('finished', 0, 'none'),
    ];
    expect(summarizeRun('compare', ignoringMoves, 0.1)).toMatchObject({
      none: 2,
      minor: 1,
      major: 0,
      maxDiffPercent: 30,
      diffLevel: 'minor',
    });
    expect(summarizeRun('compare', [one('finished', 30, 'none', 0)], 0.1).diffLevel).toBe('none');
    // A major execution: the run threshold applies to the graded percent, not the raw one.
    expect(summarizeRun('compare', [one('finished', 30, 'major', 0.4)], 1).diffLevel).toBe('minor');
    expect(summarizeRun('compare', [one('finished', 30, 'major', 2)], 1).diffLevel).toBe('major');
  });

  it('is never worse than its worst execution, whatever the run threshold', () => {
    // A run threshold below the execution threshold (0.05 < 0.1) does not make minors major.
    const summary = summarizeRun('compare', [one('finished', 0.08, 'minor')], 0.05);
    expect(summary).toMatchObject({ minor: 1, diffLevel: 'minor' });
  });

  it('has no diff level for baseline runs', () => {
    const summary = summarizeRun('baseline', [one('finished', null, null)], 0.1);
    expect(summary).toMatchObject({
      finished: 1,
      noBaseline: 0,
      diffLevel: null,
      avgDiffPercent: null,
    });
  });
});
