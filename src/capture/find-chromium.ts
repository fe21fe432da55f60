import { accessSync, constants } from 'node:fs';
import { CaptureError } from './capture-error.ts';

export const chromiumCandidates = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
];

const installHint =
  'Install it with `apt-get install -y chromium` (Debian/Ubuntu) or set SCENE_CHROMIUM_PATH to a Chromium or Chrome executable.';

/**
 * The Chromium executable to launch: `override` (SCENE_CHROMIUM_PATH, passed in by the caller)
 * when given, else the first executable among the usual system locations.
 */
export function findChromium(override?: string, candidates = chromiumCandidates): string {
  if (override) {
    if (isExecutable(override)) return override;
    throw new CaptureError(
      'browser-unavailable',
      `Chromium not found at ${override} (SCENE_CHROMIUM_PATH). ${installHint}`,
    );
  }
  const found = candidates.find(isExecutable);
  if (found) return found;
  throw new CaptureError(
    'browser-unavailable',
    `No Chromium found (looked in ${candidates.join(', ')}). ${installHint}`,
  );
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
