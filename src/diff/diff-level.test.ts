import { describe, expect, it } from 'vitest';
import { diffLevel, summarizeDiffs } from './diff-level.ts';

describe('diffLevel', () => {
  it('is none only when no pixel differs', () => {
    expect(diffLevel(0, 0.1)).toBe('none');
    expect(diffLevel(null, 0.1)).toBe('none');
    expect(diffLevel(0.000001, 0.1)).toBe('minor');
  });

  it('is minor up to and including the execution threshold, major above it', () => {
    expect(diffLevel(0.1, 0.1)).toBe('minor');
    expect(diffLevel(0.1000001, 0.1)).toBe('major');
    expect(diffLevel(50, 0.1)).toBe('major');
    expect(diffLevel(0.5, 0)).toBe('major');
  });

  it('rejects a negative or non-finite threshold', () => {
    expect(() => diffLevel(1, -1)).toThrow(/execution diff threshold/);
    expect(() => diffLevel(1, Number.NaN)).toThrow(/execution diff threshold/);
  });
});

describe('summarizeDiffs', () => {
  it('counts levels, averages and maximises over compared executions only', () => {
    const summary = summarizeDiffs(
      [
        { diffPercent: 0, diffLevel: 'none' },
        { diffPercent: 0.05, diffLevel: 'minor' },
        { diffPercent: 0.4, diffLevel: 'major' },
        { diffPercent: null, diffLevel: null }, // failed, or a baseline-mode execution
      ],
      0.1,
    );
    expect(summary).toMatchObject({
      none: 1,
      minor: 1,
      major: 1,
      maxDiffPercent: 0.4,
      diffLevel: 'major',
    });
    expect(summary.avgDiffPercent).toBeCloseTo(0.15, 12);
  });

  it('uses the max against the run threshold: one broken page is not averaged away', () => {
    const executions = [
      { diffPercent: 5, diffLevel: 'major' as const },
      ...Array.from({ length: 99 }, () => ({ diffPercent: 0, diffLevel: 'none' as const })),
    ];
    const summary = summarizeDiffs(executions, 1);
    expect(summary.avgDiffPercent).toBeCloseTo(0.05, 12);
    expect(summary.diffLevel).toBe('major');
  });

  it('is minor when something changed but the max stays within the run threshold', () => {
    const summary = summarizeDiffs(
      [
        { diffPercent: 0.3, diffLevel: 'major' }, // major for a strict execution threshold
        { diffPercent: 0, diffLevel: 'none' },
      ],
      0.5,
    );
    expect(summary.diffLevel).toBe('minor');
  });

  it('is none when every compared execution is none, and null when nothing was compared', () => {
    expect(summarizeDiffs([{ diffPercent: 0, diffLevel: 'none' }], 0.1).diffLevel).toBe('none');
    expect(summarizeDiffs([{ diffPercent: null, diffLevel: null }], 0.1)).toEqual({
      none: 0,
      minor: 0,
      major: 0,
      avgDiffPercent: null,
      maxDiffPercent: null,
      diffLevel: null,
    });
    expect(summarizeDiffs([], 0.1).diffLevel).toBeNull();
  });

  it('rejects an invalid run threshold', () => {
    expect(() => summarizeDiffs([], -0.1)).toThrow(/run diff threshold/);
  });
});
