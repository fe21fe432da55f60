import { CaptureError } from './capture-error.ts';
import { isExecutable } from './find-chromium.ts';

/** Debian's firefox-esr first: the distribution's own build, driven over WebDriver BiDi. */
export const firefoxCandidates = ['/usr/bin/firefox-esr', '/usr/bin/firefox'];

export const firefoxInstallCommand = 'apt-get install -y firefox-esr';

/** The Firefox executable to launch: the first executable among the usual system locations. */
export function findFirefox(candidates = firefoxCandidates): string {
  const found = candidates.find(isExecutable);
  if (found) return found;
  throw new CaptureError(
    'browser-unavailable',
    `No Firefox found (looked in ${candidates.join(', ')}). Install it with \`${firefoxInstallCommand}\` (or run bin/setup).`,
  );
}
