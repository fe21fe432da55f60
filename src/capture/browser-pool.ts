import type { Browser } from 'playwright-core';
import type { Logger } from '../shared/logger.ts';
import { deviceKey, type ContextSpec } from './capture-context.ts';
import { CaptureError } from './capture-error.ts';
import type { CapturePage } from './capture-page.ts';
import { ChromiumBrowser, launchChromium } from './chromium-browser.ts';
import { launchFirefox } from './firefox-browser.ts';
import type { LaunchedBrowser } from './launched-browser.ts';
import { webkitUnavailableReason } from './webkit-status.ts';

export const supportedBrowsers = ['chromium', 'firefox', 'webkit'] as const;
export type BrowserName = (typeof supportedBrowsers)[number];

export const defaultSpareContexts = 1;

export interface BrowserPoolOptions {
  /** SCENE_CHROMIUM_PATH, when set; otherwise the system Chromium is found automatically. */
  chromiumPath?: string;
  logger?: Logger;
  /**
   * Contexts created ahead of demand, per browser, so that opening one (a new renderer
   * process, ~0.3 s) is off a capture's critical path. Each is still used by one capture
   * only. Default 1: more did not pay for their CPU when the cores are busy. 0 turns it off.
   */
  spareContexts?: number;
}

/** A fresh context with its page, for one capture. */
export interface CaptureContext {
  page: CapturePage;
  /** Opened ahead of demand (a spare), rather than for this request. */
  prepared: boolean;
}

interface Spare {
  browser: LaunchedBrowser;
  page: CapturePage;
  viewport: ContextSpec['viewport'];
}

/**
 * One browser per process per browser name, launched on first use and relaunched when it
 * crashed or disconnected. Captures open their own context in it.
 */
export class BrowserPool {
  readonly #options: BrowserPoolOptions;
  readonly #browsers = new Map<BrowserName, LaunchedBrowser>();
  readonly #launching = new Map<BrowserName, Promise<LaunchedBrowser>>();
  readonly #spares = new Map<BrowserName, Promise<Spare | undefined>[]>();
  #spareViewport: ContextSpec['viewport'] | undefined;
  #closed = false;

  constructor(options: BrowserPoolOptions = {}) {
    this.#options = options;
  }

  /**
   * Playwright's Browser for Chromium (launching it when needed), for the tools that drive it
   * directly (layout snapshots, tests, benchmarks). Captures go through openContext.
   */
  async acquire(name: string): Promise<Browser> {
    const launched = await this.launched(name);
    if (launched instanceof ChromiumBrowser) return launched.browser;
    throw new CaptureError('browser-unavailable', `${name} is not driven by Playwright`);
  }

  /** A connected browser for `name`, launching (or relaunching) it when needed. */
  async launched(name: string): Promise<LaunchedBrowser> {
    if (this.#closed) throw new CaptureError('browser-unavailable', 'the browser pool is closed');
    const browserName = parseBrowserName(name);
    const current = this.#browsers.get(browserName);
    if (current?.isConnected()) return current;

    let launching = this.#launching.get(browserName);
    if (!launching) {
      launching = this.#launch(browserName).finally(() => this.#launching.delete(browserName));
      this.#launching.set(browserName, launching);
    }
    return launching;
  }

  /** The exact version of the browser captures of `name` run in (launching it when needed). */
  async browserVersion(name: string): Promise<string> {
    return (await this.launched(name)).version;
  }

  /**
   * A fresh context and page for one capture: a spare one when available (contexts with
   * credentials are always created on demand), else created now.
   */
  async openContext(name: string, spec: ContextSpec): Promise<CaptureContext> {
    const browser = await this.launched(name);
    const browserName = parseBrowserName(name);
    this.#spareViewport = spec.viewport;
    if (!spec.httpCredentials) {
      const spare = await this.#takeSpare(browserName, browser, deviceKey(spec.viewport));
      if (spare) {
        const { width, height } = spec.viewport;
        if (spare.viewport.width !== width || spare.viewport.height !== height) {
          try {
            await spare.page.setViewportSize({ width, height });
          } catch (error) {
            await spare.page.close();
            throw error;
          }
        }
        return { page: spare.page, prepared: true };
      }
    }
    const page = await browser.newPage(spec);
    this.#fillSpares(browserName, browser);
    return { page, prepared: false };
  }

  async #takeSpare(
    name: BrowserName,
    browser: LaunchedBrowser,
    device: string,
  ): Promise<Spare | undefined> {
    const queue = this.#spares.get(name) ?? [];
    this.#spares.set(name, queue);
    for (let next = queue.shift(); next; next = queue.shift()) {
      const spare = await next;
      if (!spare) continue;
      if (
        spare.browser === browser &&
        browser.isConnected() &&
        !spare.page.isClosed() &&
        deviceKey(spare.viewport) === device
      ) {
        this.#fillSpares(name, browser);
        return spare;
      }
      await spare.page.close();
    }
    this.#fillSpares(name, browser);
    return undefined;
  }

  #fillSpares(name: BrowserName, browser: LaunchedBrowser): void {
    const target = this.#options.spareContexts ?? defaultSpareContexts;
    const queue = this.#spares.get(name) ?? [];
    this.#spares.set(name, queue);
    const viewport = this.#spareViewport;
    while (viewport && queue.length < target && !this.#closed && browser.isConnected()) {
      queue.push(this.#createSpare(browser, viewport));
    }
  }

  async #createSpare(
    browser: LaunchedBrowser,
    viewport: ContextSpec['viewport'],
  ): Promise<Spare | undefined> {
    try {
      const page = await browser.newPage({ viewport });
      if (this.#closed) {
        await page.close();
        return undefined;
      }
      return { browser, page, viewport };
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const spares = [...this.#spares.values()].flat();
    this.#spares.clear();
    await Promise.allSettled(
      spares.map(async (pending) => {
        const spare = await pending;
        await spare?.page.close();
      }),
    );
    await Promise.allSettled(this.#launching.values());
    const browsers = [...this.#browsers.values()];
    this.#browsers.clear();
    await Promise.allSettled(browsers.map((browser) => browser.close()));
  }

  async #launch(name: BrowserName): Promise<LaunchedBrowser> {
    const started = performance.now();
    const browser = await this.#start(name);
    if (this.#closed) {
      await browser.close();
      throw new CaptureError('browser-unavailable', 'the browser pool is closed');
    }
    browser.onDisconnected(() => {
      if (this.#browsers.get(name) !== browser) return;
      this.#browsers.delete(name);
      if (!this.#closed) {
        this.#options.logger?.warn(
          { browser: name },
          'browser disconnected; relaunching on next use',
        );
      }
    });
    this.#browsers.set(name, browser);
    this.#options.logger?.info(
      { browser: name, version: browser.version, ms: Math.round(performance.now() - started) },
      'browser launched',
    );
    return browser;
  }

  #start(name: BrowserName): Promise<LaunchedBrowser> {
    const logger = this.#options.logger;
    switch (name) {
      case 'chromium':
        return launchChromium({ chromiumPath: this.#options.chromiumPath, logger });
      case 'firefox':
        return launchFirefox({ logger });
      case 'webkit':
        return Promise.reject(
          new CaptureError('browser-unavailable', `webkit ${webkitUnavailableReason()}`),
        );
    }
  }
}

function parseBrowserName(name: string): BrowserName {
  const found = supportedBrowsers.find((candidate) => candidate === name);
  if (found) return found;
  throw new CaptureError(
    'browser-unavailable',
    `unknown browser '${name}'; supported: ${supportedBrowsers.join(', ')}`,
  );
}
