import type { BrowserContextOptions } from 'playwright-core';
import type { DeviceEmulation } from '../shared/domain.ts';

export interface ContextSpec {
  viewport: { width: number; height: number } & DeviceEmulation;
  httpCredentials?: { username: string; password: string; origin: string };
}

/** The device a context emulates, as one comparable key (spares are reused only for the same). */
export function deviceKey(viewport: ContextSpec['viewport']): string {
  return JSON.stringify([
    viewport.deviceScaleFactor ?? 1,
    viewport.isMobile ?? false,
    viewport.hasTouch ?? false,
    viewport.userAgent ?? null,
  ]);
}

/** The options every capture context gets: only the viewport, device and credentials vary. */
export function captureContextOptions(spec: ContextSpec): BrowserContextOptions {
  const { width, height, deviceScaleFactor, isMobile, hasTouch, userAgent } = spec.viewport;
  const options: BrowserContextOptions = {
    viewport: { width, height },
    deviceScaleFactor: deviceScaleFactor ?? 1,
    isMobile: isMobile ?? false,
    hasTouch: hasTouch ?? false,
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
  if (userAgent !== undefined) options.userAgent = userAgent;
  if (spec.httpCredentials) options.httpCredentials = spec.httpCredentials;
  return options;
}
