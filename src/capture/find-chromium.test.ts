import { describe, expect, it } from 'vitest';
import { CaptureError } from './capture-error.ts';
import { findChromium } from './find-chromium.ts';

function failureOf(find: () => string): CaptureError {
  try {
    find();
  } catch (error) {
    if (error instanceof CaptureError) return error;
    throw error;
  }
  throw new Error('expected findChromium to fail');
}

describe('findChromium', () => {
  it('prefers an existing override', () => {
    expect(findChromium(process.execPath, [])).toBe(process.execPath);
  });

  it('takes the first executable candidate', () => {
    expect(findChromium(undefined, ['/nonexistent/chrome', process.execPath])).toBe(
      process.execPath,
    );
  });

  it('refuses a missing override instead of silently falling back', () => {
    const failure = failureOf(() => findChromium('/nonexistent/chrome', [process.execPath]));
    expect(failure.kind).toBe('browser-unavailable');
    expect(failure.message).toContain('/nonexistent/chrome');
    expect(failure.message).toContain('apt-get install -y chromium');
  });

  it('explains how to install Chromium when none is found', () => {
    const failure = failureOf(() => findChromium(undefined, ['/nonexistent/a', '/nonexistent/b']));
    expect(failure.kind).toBe('browser-unavailable');
    expect(failure.message).toBe(
      'No Chromium found (looked in /nonexistent/a, /nonexistent/b). Install it with `apt-get install -y chromium` (Debian/Ubuntu) or set SCENE_CHROMIUM_PATH to a Chromium or Chrome executable.',
    );
  });
});
