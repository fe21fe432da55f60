import type { BrowserContextOptions } from 'playwright-core';

export interface ContextSpec {
  viewport: { width: number; height: number };
  httpCredentials?: { username: string; password: string; origin: string };
}

/** The options every capture context gets: only the viewport and credentials vary. */
export function captureContextOptions(spec: ContextSpec): BrowserContextOptions {
  const options: BrowserContextOptions = {
    viewport: spec.viewport,
    deviceScaleFactor: 1,
    locale: 'en-US',
    timezoneId: 'UTC',
    reducedMotion: 'reduce',
    colorScheme: 'light',
    // Stability styles are injected by script; a strict CSP must not block them.
    bypassCSP: true,
    // A service worker would serve requests the readiness check cannot see.
    serviceWorkers: 'block',
    acceptDownloads: false,
  };
  if (spec.httpCredentials) options.httpCredentials = spec.httpCredentials;
  return options;
}
