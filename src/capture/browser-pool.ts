import { existsSync } from 'node:fs';
import {
  chromium,
  firefox,
  webkit,
  type Browser,
  type BrowserContext,
  type BrowserType,
  type Page,
} from 'playwright-core';
import type { Logger } from '../shared/logger.ts';
import { captureContextOptions, deviceKey, type ContextSpec } from './capture-context.ts';
import { chromiumArgs } from './chromium-args.ts';
import { CaptureError, shortMessage } from './capture-error.ts';
import { guardPlaywrightConnection } from './connection-guard.ts';
import { findChromium } from './find-chromium.ts';

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
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Opened ahead of demand (a spare), rather than for this request. */
  prepared: boolean;
}

interface Spare extends CaptureContext {
  viewport: ContextSpec['viewport'];
}

/**
 * One browser per process per browser name, launched on first use and relaunched when it
 * crashed or disconnected. Captures open their own context in it.
 */
export class BrowserPool {
  readonly #options: BrowserPoolOptions;
  readonly #browsers = new Map<BrowserName, Browser>();
  readonly #launching = new Map<BrowserName, Promise<Browser>>();
  readonly #spares = new Map<BrowserName, Promise<Spare | undefined>[]>();
  #spareViewport: ContextSpec['viewport'] | undefined;
  #closed = false;

  constructor(options: BrowserPoolOptions = {}) {
    this.#options = options;
  }

  /** A connected browser for `name`, launching (or relaunching) it when needed. */
  async acquire(name: string): Promise<Browser> {
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
    return (await this.acquire(name)).version();
  }

  /**
   * A fresh context and page for one capture: a spare one when available (contexts with
   * credentials are always created on demand), else created now.
   */
  async openContext(name: string, spec: ContextSpec): Promise<CaptureContext> {
    const browser = await this.acquire(name);
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
            await spare.context.close().catch(() => undefined);
            throw error;
          }
        }
        return { ...spare, prepared: true };
      }
    }
    const context = await browser.newContext(captureContextOptions(spec));
    try {
      const page = await context.newPage();
      this.#fillSpares(browserName, browser);
      return { browser, context, page, prepared: false };
    } catch (error) {
      await context.close().catch(() => undefined);
      throw error;
    }
  }

  async #takeSpare(
    name: BrowserName,
    browser: Browser,
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
      await spare.context.close().catch(() => undefined);
    }
    this.#fillSpares(name, browser);
    return undefined;
  }

  #fillSpares(name: BrowserName, browser: Browser): void {
    const target = this.#options.spareContexts ?? defaultSpareContexts;
    const queue = this.#spares.get(name) ?? [];
    this.#spares.set(name, queue);
    const viewport = this.#spareViewport;
    while (viewport && queue.length < target && !this.#closed && browser.isConnected()) {
      queue.push(this.#createSpare(browser, viewport));
    }
  }

  async #createSpare(
    browser: Browser,
    viewport: ContextSpec['viewport'],
  ): Promise<Spare | undefined> {
    try {
      const context = await browser.newContext(captureContextOptions({ viewport }));
      const page = await context.newPage();
      if (this.#closed) {
        await context.close();
        return undefined;
      }
      return { browser, context, page, viewport, prepared: true };
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
        await spare?.context.close();
      }),
    );
    await Promise.allSettled(this.#launching.values());
    const browsers = [...this.#browsers.values()];
    this.#browsers.clear();
    await Promise.allSettled(browsers.map((browser) => browser.close()));
  }

  async #launch(name: BrowserName): Promise<Browser> {
    const { type, executablePath, args } = this.#launchPlan(name);
    const started = performance.now();
    let browser: Browser;
    try {
      browser = await type.launch({
        executablePath,
        headless: true,
        args,
        timeout: 30_000,
        // The process owner decides when to shut down; it calls close().
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      });
    } catch (error) {
      throw new CaptureError(
        'browser-unavailable',
        `could not launch ${name} (${executablePath}): ${shortMessage(error)}`,
        { cause: error },
      );
    }
    if (this.#closed) {
      await browser.close();
      throw new CaptureError('browser-unavailable', 'the browser pool is closed');
    }
    this.#guardConnection(browser);
    browser.on('disconnected', () => {
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
      { browser: name, version: browser.version(), ms: Math.round(performance.now() - started) },
      'browser launched',
    );
    return browser;
  }

  /** See connection-guard.ts: a context closed mid-call must not take the process down. */
  #guardConnection(browser: Browser): void {
    const logger = this.#options.logger;
    const installed = guardPlaywrightConnection(browser, (error, message) => {
      logger?.warn(
        { err: error, ...message },
        'playwright-core answered about an object already disposed (a context closed mid-call); dropped',
      );
    });
    if (!installed) {
      logger?.warn(
        'playwright-core internals changed: the connection guard is not installed; a context ' +
          'closed mid-call may crash the process (see src/capture/connection-guard.ts)',
      );
    }
  }

  #launchPlan(name: BrowserName): { type: BrowserType; executablePath: string; args: string[] } {
    switch (name) {
      case 'chromium':
        return {
          type: chromium,
          executablePath: findChromium(this.#options.chromiumPath),
          args: chromiumArgs,
        };
      case 'firefox':
      case 'webkit': {
        const type = name === 'firefox' ? firefox : webkit;
        const executablePath = expectedExecutable(type);
        if (!executablePath || !existsSync(executablePath)) {
          throw new CaptureError(
            'browser-unavailable',
            `${name} is not available: its Playwright build is not installed${executablePath ? ` (expected at ${executablePath})` : ''}. ` +
              `Install it with \`npx playwright install --with-deps ${name}\`, or capture with chromium.`,
          );
        }
        return { type, executablePath, args: [] };
      }
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

function expectedExecutable(type: BrowserType): string | undefined {
  try {
    return type.executablePath();
  } catch {
    return undefined;
  }
}
