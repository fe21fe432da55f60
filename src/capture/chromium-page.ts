import type { Browser, BrowserContext, CDPSession, Page, Request } from 'playwright-core';
import { freezeAnimatedImages, type AnimatedImageFreezer } from './animated-images.ts';
import type { CapturePage, NavigationAnswer, RequestListener } from './capture-page.ts';
import { renderedFontsChromium } from './environment.ts';
import { captureLayoutSnapshot } from './layout-snapshot.ts';
import { startScreencast, type ScreencastRecorder } from './video.ts';
import type { LayoutSnapshot } from '../shared/layout-snapshot.ts';
import {
  captureFullPage,
  captureRegion,
  type DocumentRegion,
  type FullPageShot,
} from './screenshot.ts';

/** A Playwright page in its own context, in Chromium: the pipeline's reference driver. */
export class ChromiumPage implements CapturePage {
  readonly browserName = 'chromium';
  readonly limits: readonly string[] = [];
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  readonly tracing: NonNullable<CapturePage['tracing']>;

  constructor(browser: Browser, context: BrowserContext, page: Page) {
    this.browser = browser;
    this.context = context;
    this.page = page;
    this.tracing = {
      start: async () => {
        await context.tracing.start({ snapshots: true, screenshots: false, sources: false });
      },
      stop: (path) => context.tracing.stop({ path }),
    };
  }

  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> {
    return this.page.evaluate(fn as (arg: unknown) => R | Promise<R>, arg);
  }

  evaluateScript(expression: string): Promise<unknown> {
    return this.page.evaluate(expression);
  }

  async addInitScript(source: string): Promise<void> {
    await this.context.addInitScript({ content: source });
  }

  addCookies(
    cookies: { name: string; value: string; domain?: string; path?: string; url?: string }[],
  ): Promise<void> {
    return this.context.addCookies(cookies);
  }

  async goto(url: string, timeoutMs: number): Promise<NavigationAnswer | undefined> {
    const response = await this.page.goto(url, {
      waitUntil: 'domcontentloaded',
      timeout: timeoutMs,
    });
    return response ? { status: response.status(), statusText: response.statusText() } : undefined;
  }

  waitForLoad(timeoutMs: number): Promise<void> {
    return this.page.waitForLoadState('load', { timeout: timeoutMs });
  }

  url(): string {
    return this.page.url();
  }

  isClosed(): boolean {
    return this.page.isClosed();
  }

  setViewportSize(size: { width: number; height: number }): Promise<void> {
    return this.page.setViewportSize(size);
  }

  onRequests(listener: RequestListener): void {
    this.page.on('request', (request) => listener.started(request));
    const settle = (request: Request): void => listener.settled(request);
    this.page.on('requestfinished', settle);
    this.page.on('requestfailed', settle);
  }

  click(selector: string, timeoutMs: number): Promise<void> {
    return this.page.locator(selector).first().click({ timeout: timeoutMs });
  }

  hover(selector: string, timeoutMs: number): Promise<void> {
    return this.page.locator(selector).first().hover({ timeout: timeoutMs });
  }

  type(selector: string, text: string, timeoutMs: number): Promise<void> {
    return this.page.locator(selector).first().pressSequentially(text, { timeout: timeoutMs });
  }

  press(selector: string | undefined, key: string, timeoutMs: number): Promise<void> {
    if (selector === undefined) return this.page.keyboard.press(key);
    return this.page.locator(selector).first().press(key, { timeout: timeoutMs });
  }

  async select(selector: string, value: string, timeoutMs: number): Promise<void> {
    await this.page.locator(selector).first().selectOption(value, { timeout: timeoutMs });
  }

  setChecked(selector: string, checked: boolean, timeoutMs: number): Promise<void> {
    return this.page.locator(selector).first().setChecked(checked, { timeout: timeoutMs });
  }

  scrollIntoView(selector: string, timeoutMs: number): Promise<void> {
    return this.page.locator(selector).first().scrollIntoViewIfNeeded({ timeout: timeoutMs });
  }

  waitForVisible(selector: string, timeoutMs: number): Promise<void> {
    return this.page.locator(selector).first().waitFor({ state: 'visible', timeout: timeoutMs });
  }

  count(selector: string): Promise<number> {
    return this.page.locator(selector).count();
  }

  pauseClockAt(instant: number): Promise<void> {
    return this.context.clock.pauseAt(instant);
  }

  runClockFor(ms: number): Promise<void> {
    return this.context.clock.runFor(ms);
  }

  freezeAnimatedImages(): Promise<AnimatedImageFreezer> {
    return freezeAnimatedImages(this.context, this.page);
  }

  fullPageScreenshot(scale: number): Promise<FullPageShot> {
    return this.#withCdp((cdp) => captureFullPage(cdp, scale));
  }

  regionScreenshot(
    region: DocumentRegion,
    scale: number,
    beyondViewport: boolean,
  ): Promise<FullPageShot> {
    return this.#withCdp((cdp) => captureRegion(cdp, region, scale, beyondViewport));
  }

  layoutSnapshot(): Promise<LayoutSnapshot> {
    return this.#withCdp(captureLayoutSnapshot);
  }

  viewportScreenshot(timeoutMs: number): Promise<Buffer> {
    return this.page.screenshot({ timeout: timeoutMs, caret: 'hide' });
  }

  async startScreencast(size: { width: number; height: number }): Promise<ScreencastRecorder> {
    const cdp = await this.context.newCDPSession(this.page);
    const recorder = await startScreencast(cdp, size);
    return {
      async stop() {
        try {
          return await recorder.stop();
        } finally {
          await cdp.detach().catch(() => undefined);
        }
      },
    };
  }

  renderedFonts(): Promise<string[]> {
    return this.#withCdp((cdp) => renderedFontsChromium(this.page, cdp));
  }

  onClosed(listener: () => void): () => void {
    this.context.on('close', listener);
    return () => this.context.off('close', listener);
  }

  onCrashed(listener: () => void): () => void {
    this.page.on('crash', listener);
    return () => this.page.off('crash', listener);
  }

  browserConnected(): boolean {
    return this.browser.isConnected();
  }

  close(): Promise<void> {
    return this.context.close().catch(() => undefined);
  }

  async #withCdp<T>(work: (cdp: CDPSession) => Promise<T>): Promise<T> {
    const cdp = await this.context.newCDPSession(this.page);
    try {
      return await work(cdp);
    } finally {
      await cdp.detach().catch(() => undefined);
    }
  }
}
