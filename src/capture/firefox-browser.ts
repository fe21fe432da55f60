import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import type { Logger } from '../shared/logger.ts';
import type { ContextSpec } from './capture-context.ts';
import { CaptureError, shortMessage } from './capture-error.ts';
import { findFirefox } from './find-firefox.ts';
import { FirefoxPage, ShownPageLock } from './firefox-page.ts';
import type { LaunchedBrowser } from './launched-browser.ts';

// Issue 18: Firefox from the distribution's own package (Debian's firefox-esr), driven by
// puppeteer-core over WebDriver BiDi. Playwright's Firefox needs its own patched build, which
// cannot be downloaded on locked-down machines, and its BiDi channel ('moz-firefox') fails at
// newContext with firefox-esr 153 (`emulation.setMediaFeaturesOverride: unknown command`).

/**
 * What Chromium gets per context (capture-context.ts) and WebDriver BiDi cannot set per context
 * here is set for the whole browser: every capture wants the same values.
 */
export const firefoxPrefs: Record<string, unknown> = {
  // reducedMotion: 'reduce' and colorScheme: 'light' (0 dark, 1 light).
  'ui.prefersReducedMotion': 1,
  'layout.css.prefers-color-scheme.content-override': 1,
  // locale: 'en-US'.
  'intl.accept_languages': 'en-US',
  'intl.locale.requested': 'en-US',
  // serviceWorkers: 'block' (they would serve requests the readiness check cannot see).
  'dom.serviceWorkers.enabled': false,
  // Scrollbars over the content, as in headless Chromium, rather than beside it: the layout
  // width is then the viewport's in both browsers.
  'ui.useOverlayScrollbars': 1,
  // Animated images show their first frame (see FirefoxPage.limits).
  'image.animation_mode': 'none',
  // Nothing reaches out of the capture on its own.
  'app.update.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'dom.disable_beforeunload': true,
  // Every page behaves as focused, whichever tab the window shows (as in headless Chromium):
  // else a focused input draws its focus ring or not depending on which capture opened last.
  'focusmanager.testmode': true,
};

/** Firefox, driven by puppeteer-core over WebDriver BiDi, with a throwaway profile. */
export class FirefoxBrowser implements LaunchedBrowser {
  readonly browser: Browser;
  readonly version: string;
  readonly #profile: string;
  readonly #shown = new ShownPageLock();

  readonly #gone: (() => void)[] = [];
  #alive = true;

  constructor(browser: Browser, version: string, profile: string) {
    this.browser = browser;
    this.version = version;
    this.#profile = profile;
    // Gone when the connection drops or the process exits (a killed Firefox may leave
    // puppeteer's `connected` true for a while); the profile goes with it, however it ends.
    browser.once('disconnected', () => this.#markGone());
    browser.process()?.once('exit', () => this.#markGone());
  }

  #markGone(): void {
    if (!this.#alive) return;
    this.#alive = false;
    void removeProfile(this.#profile);
    // Calls still waiting on the dead browser fail now rather than at their protocol timeout.
    if (this.browser.connected) void this.browser.disconnect().catch(() => undefined);
    for (const listener of this.#gone.splice(0)) listener();
  }

  isConnected(): boolean {
    // puppeteer's `connected` stays true for a while after the connection closed under it
    // (a killed Firefox); its connection's own `closed` says so at once.
    const connection: unknown = Reflect.get(this.browser, 'connection');
    const closed: unknown =
      typeof connection === 'object' && connection !== null
        ? Reflect.get(connection, 'closed')
        : undefined;
    if (closed === true || !this.browser.connected) this.#markGone();
    return this.#alive;
  }

  async newPage(spec: ContextSpec): Promise<FirefoxPage> {
    const context = await this.browser.createBrowserContext();
    try {
      return await FirefoxPage.open(this, context, spec, this.#shown);
    } catch (error) {
      await context.close().catch(() => undefined);
      throw error;
    }
  }

  onDisconnected(listener: () => void): void {
    if (this.#alive) this.#gone.push(listener);
    else listener();
  }

  /** Like onDisconnected; returns the unsubscribe. */
  whenGone(listener: () => void): () => void {
    this.onDisconnected(listener);
    return () => {
      const index = this.#gone.indexOf(listener);
      if (index >= 0) this.#gone.splice(index, 1);
    };
  }

  async close(): Promise<void> {
    try {
      await this.browser.close();
    } finally {
      await removeProfile(this.#profile);
    }
  }

  /** The browser's process id (for tests and benchmarks). */
  get pid(): number | undefined {
    return this.browser.process()?.pid;
  }
}

export async function launchFirefox(options: {
  logger?: Logger | undefined;
}): Promise<FirefoxBrowser> {
  const executablePath = findFirefox();
  const profile = await mkdtemp(join(tmpdir(), 'scene-firefox-profile-'));
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath,
      userDataDir: profile,
      headless: true,
      extraPrefsFirefox: firefoxPrefs,
      timeout: 60_000,
      protocolTimeout: 120_000,
      // The process owner decides when to shut down; it calls close().
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (error) {
    await removeProfile(profile);
    throw new CaptureError(
      'browser-unavailable',
      `could not launch firefox (${executablePath}): ${shortMessage(error)}`,
      { cause: error },
    );
  }
  let version: string;
  try {
    version = (await browser.version()).replace(/^firefox\//i, '');
  } catch (error) {
    await browser.close().catch(() => undefined);
    await removeProfile(profile);
    throw new CaptureError(
      'browser-unavailable',
      `firefox did not answer: ${shortMessage(error)}`,
      {
        cause: error,
      },
    );
  }
  options.logger?.debug({ profile }, 'firefox profile');
  return new FirefoxBrowser(browser, version, profile);
}

/**
 * A test capture: launches Firefox, screenshots a small page, closes it. Undefined when it
 * worked, else why not.
 */
export async function probeFirefoxCapture(): Promise<string | undefined> {
  let firefox: FirefoxBrowser | undefined;
  try {
    firefox = await launchFirefox({});
    const page = await firefox.newPage({ viewport: { width: 64, height: 64 } });
    try {
      await page.goto('data:text/html,<p>scene</p>', 30_000);
      const shot = await page.fullPageScreenshot(1);
      if (shot.width !== 64) return `the test screenshot is ${shot.width} px wide, not 64`;
    } finally {
      await page.close();
    }
    return undefined;
  } catch (error) {
    return shortMessage(error);
  } finally {
    await firefox?.close().catch(() => undefined);
  }
}

async function removeProfile(profile: string): Promise<void> {
  await rm(profile, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
}
