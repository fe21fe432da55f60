import { describe, expect, it } from 'vitest';
import type { ExecutionEnvironment } from '../shared/domain.ts';
import { describeDrift, driftNotice, environmentDrift } from './environment-drift.ts';

const base: ExecutionEnvironment = {
  browser: 'chromium',
  browserVersion: '156.0.8078.108',
  os: 'Debian GNU/Linux 12 (bookworm); Linux 6.1 x64',
  deviceScaleFactor: 1,
  fonts: ['DejaVu Sans'],
  fontsDigest: 'a'.repeat(64),
  sceneVersion: '0.1.0',
  flags: {
    suppressAnimations: true,
    hideCaret: true,
    freezeTime: true,
    seedRandom: true,
    isMobile: false,
    hasTouch: false,
  },
};

describe('environmentDrift', () => {
  it('is empty for the same environment, and for a baseline entry without a fingerprint', () => {
    expect(environmentDrift(base, structuredClone(base))).toEqual([]);
    expect(environmentDrift(null, base)).toEqual([]);
  });

  it('names every field that differs, flags one by one, values as text', () => {
    const observed: ExecutionEnvironment = {
      ...base,
      browserVersion: '157.0.1',
      fonts: ['Liberation Sans', 'DejaVu Sans'],
      deviceScaleFactor: 2,
      flags: { ...base.flags, freezeTime: false },
    };
    expect(environmentDrift(base, observed)).toEqual([
      { field: 'browserVersion', baseline: '156.0.8078.108', observed: '157.0.1' },
      { field: 'deviceScaleFactor', baseline: '1', observed: '2' },
      { field: 'fonts', baseline: 'DejaVu Sans', observed: 'Liberation Sans, DejaVu Sans' },
      { field: 'flags.freezeTime', baseline: 'true', observed: 'false' },
    ]);
  });

  it('summarises drift for the run: cells, where the baselines came from, what differs', () => {
    const drift = environmentDrift(base, { ...base, browserVersion: '157.0.1' });
    expect(describeDrift(drift)).toBe('browserVersion 156.0.8078.108 → 157.0.1');
    expect(driftNotice([{ browser: 'chromium', drift: [] }])).toBeUndefined();
    expect(
      driftNotice([
        { browser: 'chromium', drift },
        { browser: 'chromium', drift },
        { browser: 'chromium', drift: [] },
      ]),
    ).toBe(
      '2 cells compared against baselines from chromium 156.0.8078.108 (browserVersion 156.0.8078.108 → 157.0.1); expect rendering differences',
    );
    const fonts = environmentDrift(base, { ...base, fontsDigest: 'b'.repeat(64) });
    expect(driftNotice([{ browser: 'chromium', drift: fonts }])).toMatch(
      /^1 cell compared against baselines rendered in another environment \(fontsDigest aaaa/,
    );
  });
});
