import { isExecutable } from './find-chromium.ts';

// Issue 18: WebKit on this machine. Playwright's WebKit is a patched build that cannot be
// downloaded here; WebKitGTK's own WebDriver (Debian's webkit2gtk-driver) is the distribution's
// WebKit. Measured: see the README's "Browsers, devices and environments".

export const webkitDriverCandidates = [
  '/usr/bin/WebKitWebDriver',
  '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/WebKitWebDriver',
  '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.0/WebKitWebDriver',
  '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/WebKitWebDriver',
];

/**
 * Why WebKit cannot capture here ("is not available on this machine: …"). Measured on Debian 12
 * with webkit2gtk-driver 2.50.6 under Xvfb: a WebKitWebDriver session (MiniBrowser) starts in
 * 2.0 s, navigates in 0.1 s and takes a viewport screenshot in 0.4 s, but it speaks classic
 * WebDriver only — no script before the page's own (frozen clock, seeded randomness, stability
 * styles), no network events (readiness), no basic auth — and a screenshot of <html> on a
 * 3000 px page is 1280x762 (the viewport): no full page.
 */
export function webkitUnavailableReason(): string {
  const driver = webkitDriverCandidates.find(isExecutable);
  const measured =
    "WebKitGTK's WebKitWebDriver speaks classic WebDriver only: no scripts before the page's " +
    'own (frozen clock, seeded randomness, stability styles), no network events (readiness), ' +
    'no basic auth and no full-page screenshot (measured: a 3000 px page captures as its ' +
    '762 px viewport), so Scene has no WebKit driver';
  return driver
    ? `is not available on this machine: ${measured} (installed: ${driver}); Playwright's patched WebKit build cannot be downloaded here`
    : `is not available on this machine: Playwright's patched WebKit build cannot be downloaded here, and ${measured}`;
}
