import type { BrowserContext, ElementHandle, HTTPRequest, KeyInput, Page } from 'puppeteer-core';
import { sleep } from '../shared/clock.ts';
import type { ContextSpec } from './capture-context.ts';
import type { CapturePage, NavigationAnswer, RequestListener } from './capture-page.ts';
import { renderedFontsFromCss } from './environment.ts';
import { scriptedLayoutSnapshot } from './layout-snapshot.ts';
import type { LayoutSnapshot } from '../shared/layout-snapshot.ts';
import type { FirefoxBrowser } from './firefox-browser.ts';
import { pausedClockScript, runClockExpression } from './firefox-clock.ts';
import { captureSegments, type DocumentRegion, type FullPageShot } from './screenshot.ts';

/** Firefox's network error names, as the Chromium ones the pipeline classifies (navigate()). */
const networkErrors: Record<string, string> = {
  NS_ERROR_NET_RESET: 'net::ERR_CONNECTION_RESET',
  NS_ERROR_NET_INTERRUPT: 'net::ERR_CONNECTION_CLOSED',
  NS_ERROR_NET_EMPTY_RESPONSE: 'net::ERR_EMPTY_RESPONSE',
  NS_ERROR_CONNECTION_REFUSED: 'net::ERR_CONNECTION_REFUSED',
  NS_ERROR_UNKNOWN_HOST: 'net::ERR_NAME_NOT_RESOLVED',
  NS_ERROR_NET_TIMEOUT: 'net::ERR_TIMED_OUT',
  deniedPortAccess: 'net::ERR_UNSAFE_PORT',
};

/**
 * Firefox draws a focused element's focus ring (and fires focus events) only in the window it
 * shows, and shows one at a time: two captures at once would each get it or not depending on
 * which was shown last. So each screenshot is taken with its page shown, one at a time per
 * browser. (Every Chromium page behaves as shown.)
 */
export class ShownPageLock {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(work, work);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * A page in its own Firefox user context (no cookies, storage or cache shared), driven by
 * puppeteer-core over WebDriver BiDi. Same steps as ChromiumPage; what differs is in `limits`.
 */
export class FirefoxPage implements CapturePage {
  readonly browserName = 'firefox';
  readonly limits: readonly string[];
  readonly tracing = undefined;
  readonly #browser: FirefoxBrowser;
  readonly #context: BrowserContext;
  readonly #page: Page;
  readonly #release: () => void;
  readonly #shown: ShownPageLock;
  #closed = false;
  /** Init scripts added before the first navigation, installed by it as one (see goto). */
  #pendingInitScripts: string[] | undefined = [];

  private constructor(
    browser: FirefoxBrowser,
    context: BrowserContext,
    page: Page,
    limits: string[],
    release: () => void,
    shown: ShownPageLock,
  ) {
    this.#shown = shown;
    this.#browser = browser;
    this.#context = context;
    this.#page = page;
    this.limits = limits;
    this.#release = release;
    page.once('close', () => {
      this.#closed = true;
      release();
    });
  }

  static async open(
    browser: FirefoxBrowser,
    context: BrowserContext,
    spec: ContextSpec,
    shown: ShownPageLock,
  ): Promise<FirefoxPage> {
    // A window per capture: each shows its page (see goto), however many capture at once.
    const page = await context.newPage({ type: 'window' });
    const { width, height, deviceScaleFactor, isMobile, hasTouch, userAgent } = spec.viewport;
    await page.setViewport({ width, height, deviceScaleFactor: deviceScaleFactor ?? 1 });
    await page.emulateTimezone('UTC');
    if (userAgent !== undefined) await page.setUserAgent(userAgent);
    const release = await answerBasicAuth(page, spec.httpCredentials);
    const limits = [
      'Firefox (WebDriver BiDi): a Content-Security-Policy of the page applies to the stability ' +
        'styles (Chromium bypasses it); animated images always show their first frame ' +
        '(image.animation_mode, browser-wide, whatever freezeTime says); the frozen clock ' +
        "runs in the main frame only (iframes' timers stay paused); step selectors are CSS " +
        '(Playwright-only selectors such as text= do not work); no Playwright trace',
    ];
    // WebDriver BiDi has no isMobile; its emulation.setTouchOverride (which puppeteer's
    // setViewport sends for hasTouch, ignoring a refusal) is an unknown command in Firefox 153 ESR.
    if (isMobile === true || hasTouch === true) {
      limits.push(
        'Firefox (WebDriver BiDi) cannot emulate isMobile and hasTouch: the page sees a desktop ' +
          'browser without touch (the viewport, device scale factor and user agent do apply)',
      );
    }
    return new FirefoxPage(browser, context, page, limits, release, shown);
  }

  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> {
    // puppeteer types arguments as a tuple inferred from the function; the interface is simpler.
    const page = this.#page as unknown as {
      evaluate(fn: unknown, ...args: unknown[]): Promise<unknown>;
    };
    return page.evaluate(fn, ...(arg === undefined ? [] : [arg])) as Promise<R>;
  }

  evaluateScript(expression: string): Promise<unknown> {
    return this.#page.evaluate(expression);
  }

  async addInitScript(source: string): Promise<void> {
    if (this.#pendingInitScripts) this.#pendingInitScripts.push(source);
    else await this.#page.evaluateOnNewDocument(source);
  }

  /**
   * The init scripts added before the first navigation, as one preload script: each is a
   * round trip to Firefox's parent process otherwise (4 per capture), and each runs in its own
   * scope, an exception in one not keeping the next from running, as separate ones would.
   */
  async #installInitScripts(): Promise<void> {
    const pending = this.#pendingInitScripts ?? [];
    this.#pendingInitScripts = undefined;
    if (pending.length === 0) return;
    await this.#page.evaluateOnNewDocument(
      pending
        .map(
          (source) =>
            `try {\n(() => {\n${source}\n})();\n} catch (error) {\n  console.error(error);\n}`,
        )
        .join('\n'),
    );
  }

  async addCookies(
    cookies: { name: string; value: string; domain?: string; path?: string; url?: string }[],
  ): Promise<void> {
    await this.#context.setCookie(
      ...cookies.map((cookie) => {
        const url = cookie.url === undefined ? undefined : new URL(cookie.url);
        return {
          name: cookie.name,
          value: cookie.value,
          domain: cookie.domain ?? url?.hostname ?? '',
          path: cookie.path ?? '/',
        };
      }),
    );
  }

  async goto(url: string, timeoutMs: number): Promise<NavigationAnswer | undefined> {
    // The shown tab: a page opened in the background (a spare) would render its focused
    // input without the focus ring that a shown one (and every Chromium page) draws.
    await Promise.all([this.#page.bringToFront(), this.#installInitScripts()]);
    let response;
    try {
      response = await this.#page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
    } catch (error) {
      if (!(error instanceof Error) || error.name === 'TimeoutError') throw error;
      const code = /NS_ERROR_[A-Z_]+|deniedPortAccess/.exec(error.message)?.[0];
      if (code === undefined) throw error;
      throw new Error(`${networkErrors[code] ?? code} (${code})`, { cause: error });
    }
    return response ? { status: response.status(), statusText: response.statusText() } : undefined;
  }

  async waitForLoad(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const loaded = this.#page.evaluate(
      () =>
        document.readyState === 'complete' ||
        new Promise<boolean>((resolve) =>
          window.addEventListener('load', () => resolve(true), { once: true }),
        ),
    );
    loaded.catch(() => undefined);
    try {
      await Promise.race([
        loaded,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new TimeoutError(`load event did not fire within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  url(): string {
    return this.#page.url();
  }

  isClosed(): boolean {
    return this.#closed || this.#page.isClosed();
  }

  async setViewportSize(size: { width: number; height: number }): Promise<void> {
    const current = this.#page.viewport();
    await this.#page.setViewport({ ...current, ...size });
  }

  onRequests(listener: RequestListener): void {
    this.#page.on('request', (request: HTTPRequest) => {
      // A redirected request gets neither 'requestfinished' nor 'requestfailed': its next hop
      // ends it.
      for (const hop of request.redirectChain()) listener.settled(hop);
      listener.started(request);
    });
    this.#page.on('requestfinished', (request: HTTPRequest) => listener.settled(request));
    this.#page.on('requestfailed', (request: HTTPRequest) => listener.settled(request));
  }

  async click(selector: string, timeoutMs: number): Promise<void> {
    await this.#withElement(selector, timeoutMs, 'enabled', (element) => element.click());
  }

  async hover(selector: string, timeoutMs: number): Promise<void> {
    await this.#withElement(selector, timeoutMs, 'visible', (element) => element.hover());
  }

  async type(selector: string, text: string, timeoutMs: number): Promise<void> {
    await this.#withElement(selector, timeoutMs, 'enabled', (element) => element.type(text));
  }

  async press(selector: string | undefined, key: string, timeoutMs: number): Promise<void> {
    // Key names are the same in both drivers ("Enter", "End", "Control+A" aside).
    if (selector === undefined) return this.#page.keyboard.press(key as KeyInput);
    await this.#withElement(selector, timeoutMs, 'enabled', (element) =>
      element.press(key as KeyInput),
    );
  }

  async select(selector: string, value: string, timeoutMs: number): Promise<void> {
    await this.#withElement(selector, timeoutMs, 'enabled', async (element) => {
      const selected = await element.select(value);
      if (selected.length === 0) throw new Error(`no option with value ${JSON.stringify(value)}`);
    });
  }

  async setChecked(selector: string, checked: boolean, timeoutMs: number): Promise<void> {
    await this.#withElement(selector, timeoutMs, 'enabled', async (element) => {
      const current = await element.evaluate((input) => (input as HTMLInputElement).checked);
      if (current !== checked) await element.click();
    });
  }

  async scrollIntoView(selector: string, timeoutMs: number): Promise<void> {
    await this.#withElement(selector, timeoutMs, 'attached', (element) => element.scrollIntoView());
  }

  async waitForVisible(selector: string, timeoutMs: number): Promise<void> {
    await this.#withElement(selector, timeoutMs, 'visible', () => Promise.resolve());
  }

  count(selector: string): Promise<number> {
    return this.evaluate((css: string) => document.querySelectorAll(css).length, selector);
  }

  pauseClockAt(instant: number): Promise<void> {
    return this.addInitScript(pausedClockScript(instant));
  }

  async runClockFor(ms: number): Promise<void> {
    await this.#page.evaluate(runClockExpression(ms));
  }

  freezeAnimatedImages(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  /**
   * The document, at its own size (not resized to it): one BiDi screenshot up to segmentHeight
   * device pixels, taller pages in segments stitched together, cut at maxCaptureHeight.
   */
  async fullPageScreenshot(scale: number): Promise<FullPageShot> {
    const size = await this.evaluate(() => {
      const scroller = document.scrollingElement ?? document.documentElement;
      return { width: scroller.scrollWidth, height: scroller.scrollHeight };
    });
    const region = {
      x: 0,
      y: 0,
      width: Math.max(1, Math.ceil(size.width)),
      height: Math.max(1, Math.ceil(size.height)),
    };
    return this.regionScreenshot(region, scale, true);
  }

  regionScreenshot(
    region: DocumentRegion,
    scale: number,
    beyondViewport: boolean,
  ): Promise<FullPageShot> {
    // Shown while it is taken (see ShownPageLock), so that focus is drawn the same every time.
    return this.#shown.run(async () => {
      await this.#page.bringToFront();
      return captureSegments(region, scale, async (clip) =>
        Buffer.from(
          await this.#page.screenshot({
            type: 'png',
            captureBeyondViewport: beyondViewport,
            clip,
          }),
        ),
      );
    });
  }

  /** WebDriver BiDi has no DOM snapshot: a script in the page takes it, in the same format. */
  layoutSnapshot(): Promise<LayoutSnapshot> {
    return scriptedLayoutSnapshot(this);
  }

  async viewportScreenshot(timeoutMs: number): Promise<Buffer> {
    let timer: NodeJS.Timeout | undefined;
    const shot = this.#page.screenshot({ type: 'png' });
    shot.catch(() => undefined);
    try {
      return Buffer.from(
        await Promise.race([
          shot,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new TimeoutError('screenshot timed out')), timeoutMs);
          }),
        ]),
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /** What CSS asked for and got: Firefox has no per-node platform font query over BiDi. */
  renderedFonts(): Promise<string[]> {
    return renderedFontsFromCss(this);
  }

  onClosed(listener: () => void): () => void {
    const onPageClose = (): void => listener();
    this.#page.on('close', onPageClose);
    const stopWatching = this.#browser.whenGone(onPageClose);
    return () => {
      this.#page.off('close', onPageClose);
      stopWatching();
    };
  }

  onCrashed(listener: () => void): () => void {
    const onError = (): void => listener();
    this.#page.on('error', onError);
    return () => this.#page.off('error', onError);
  }

  browserConnected(): boolean {
    return this.#browser.isConnected();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#release();
    await this.#context.close().catch(() => undefined);
  }

  /**
   * Waits up to `timeoutMs` for the first match to be in the state a step needs, then acts on
   * it. Polled from here rather than in the page: puppeteer's locators wait on the page's
   * animation frames, which a frozen page clock (determinism.ts) never runs.
   */
  async #withElement<T>(
    selector: string,
    timeoutMs: number,
    state: 'attached' | 'visible' | 'enabled',
    act: (element: ElementHandle) => Promise<T>,
  ): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const ready = await this.evaluate(elementState, { selector, state });
      if (ready) break;
      if (performance.now() >= deadline) {
        throw new TimeoutError(
          `waiting for ${JSON.stringify(selector)} timed out after ${timeoutMs} ms`,
        );
      }
      await sleep(Math.min(elementPollMs, Math.max(1, deadline - performance.now())));
    }
    const element = await this.#page.$(selector);
    if (!element) throw new Error(`${JSON.stringify(selector)} went away before the step ran`);
    try {
      return await act(element);
    } finally {
      await element.dispose().catch(() => undefined);
    }
  }
}

const elementPollMs = 50;

/** Whether the first element matching the selector is there (and visible, and enabled). */
function elementState({ selector, state }: { selector: string; state: string }): boolean {
  const element = document.querySelector(selector);
  if (!element) return false;
  if (state === 'attached') return true;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  const visible = style.visibility !== 'hidden' && box.width > 0 && box.height > 0;
  if (!visible || state === 'visible') return visible;
  return !(element as HTMLInputElement).disabled;
}

/**
 * Basic auth answered for the captured origin only. Every auth challenge of the page is paused
 * (an intercept), so that none waits on a prompt no one answers; puppeteer answers a paused one
 * with the page's `_credentials`, or cancels it (the page then gets the 401). Those credentials
 * are made to exist only while a challenge from the captured origin is being answered: a
 * listener registered before puppeteer's own (so called first, in the same dispatch) notes which
 * URL is challenged. puppeteer's `page.authenticate` would answer every origin's challenge.
 * Reaches into puppeteer-core internals (`mainFrame().browsingContext`, its session, and
 * `page._credentials`) of the version in package.json; when they are not there this throws, and
 * the Firefox basic auth test fails.
 */
async function answerBasicAuth(
  page: Page,
  credentials: { username: string; password: string; origin: string } | undefined,
): Promise<() => void> {
  const browsingContext: unknown = Reflect.get(page.mainFrame(), 'browsingContext');
  const internals = internalsOf(browsingContext);
  if (!internals || !('_credentials' in page)) {
    throw new Error(
      'auth challenges cannot be answered in Firefox: puppeteer-core internals changed (see src/capture/firefox-page.ts)',
    );
  }
  let challenged: string | undefined;
  const onChallenge = (event: unknown): void => {
    const { context, request } = (event ?? {}) as { context?: string; request?: { url?: string } };
    if (context === internals.id) challenged = request?.url;
  };
  internals.session.on('network.authRequired', onChallenge);
  const answer = credentials && { username: credentials.username, password: credentials.password };
  Object.defineProperty(page, '_credentials', {
    configurable: true,
    get: () => {
      const origin = challenged === undefined ? undefined : URL.parse(challenged)?.origin;
      return answer && origin === credentials.origin ? answer : null;
    },
    set: () => undefined,
  });
  await internals.addIntercept({ phases: ['authRequired'] });
  return () => internals.session.off('network.authRequired', onChallenge);
}

interface BrowsingContextInternals {
  id: string;
  addIntercept(options: { phases: string[] }): Promise<string>;
  session: {
    on(type: string, handler: (event: unknown) => void): void;
    off(type: string, handler: (event: unknown) => void): void;
  };
}

function internalsOf(browsingContext: unknown): BrowsingContextInternals | undefined {
  if (typeof browsingContext !== 'object' || browsingContext === null) return undefined;
  const id: unknown = Reflect.get(browsingContext, 'id');
  const addIntercept: unknown = Reflect.get(browsingContext, 'addIntercept');
  const userContext: unknown = Reflect.get(browsingContext, 'userContext');
  const browser: unknown =
    typeof userContext === 'object' && userContext !== null
      ? Reflect.get(userContext, 'browser')
      : undefined;
  const session: unknown =
    typeof browser === 'object' && browser !== null ? Reflect.get(browser, 'session') : undefined;
  if (
    typeof id !== 'string' ||
    typeof addIntercept !== 'function' ||
    typeof session !== 'object' ||
    session === null ||
    typeof Reflect.get(session, 'on') !== 'function' ||
    typeof Reflect.get(session, 'off') !== 'function'
  ) {
    return undefined;
  }
  const bound = browsingContext as { addIntercept: BrowsingContextInternals['addIntercept'] };
  return {
    id,
    addIntercept: (options) => bound.addIntercept(options),
    session: session as BrowsingContextInternals['session'],
  };
}
