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

/** Why WebKit cannot capture here ("is not available on this machine: …"). */
export function webkitUnavailableReason(): string {
  const driver = webkitDriverCandidates.find(isExecutable);
  return driver
    ? `is not available on this machine: WebKitGTK's driver is installed (${driver}), but Scene has no WebKit driver; Playwright's patched WebKit build cannot be downloaded here`
    : "is not available on this machine: Playwright's patched WebKit build cannot be downloaded here, WebKitGTK's WebKitWebDriver (Debian webkit2gtk-driver) is not installed, and Scene has no WebKit driver";
}
