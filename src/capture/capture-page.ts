import type { AnimatedImageFreezer } from './animated-images.ts';
import type { ScreencastRecorder } from './video.ts';
import type { LayoutSnapshot } from '../shared/layout-snapshot.ts';
import type { DocumentRegion, FullPageShot } from './screenshot.ts';

// Issue 18: the capture pipeline (capture-execution.ts) drives Chromium through Playwright and
// Firefox through puppeteer-core over WebDriver BiDi. This is what it needs of one page in a
// fresh context, whatever drives the browser; each driver says what it cannot do (`limits`),
// and the pipeline writes that to the execution log instead of skipping a step silently.

/** Runs functions in the page's main frame (serialised: they must not close over anything). */
export interface ScriptPage {
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  evaluate<R>(fn: () => R | Promise<R>): Promise<R>;
  /** A script (an expression) in the page; its value when it can be serialised. */
  evaluateScript(expression: string): Promise<unknown>;
}

export interface NavigationAnswer {
  status: number;
  statusText: string;
}

/** One request's start and end, for NetworkTracker; the token is the same object for both. */
export interface RequestListener {
  started(token: object): void;
  settled(token: object): void;
}

export interface CapturePage extends ScriptPage {
  readonly browserName: string;
  /** Runs `source` in every document of the context before the page's own scripts. */
  addInitScript(source: string): Promise<void>;
  addCookies(
    cookies: { name: string; value: string; domain?: string; path?: string; url?: string }[],
  ): Promise<void>;
  /** Navigates until DOMContentLoaded; undefined when there was no HTTP answer (e.g. about:). */
  goto(url: string, timeoutMs: number): Promise<NavigationAnswer | undefined>;
  /** Waits for the load event (a TimeoutError when it does not come). */
  waitForLoad(timeoutMs: number): Promise<void>;
  url(): string;
  isClosed(): boolean;
  setViewportSize(size: { width: number; height: number }): Promise<void>;
  onRequests(listener: RequestListener): void;

  // Steps (actions.ts): each waits up to `timeoutMs` for its element, then acts on the first match.
  click(selector: string, timeoutMs: number): Promise<void>;
  hover(selector: string, timeoutMs: number): Promise<void>;
  /** Types the text key by key. */
  type(selector: string, text: string, timeoutMs: number): Promise<void>;
  press(selector: string | undefined, key: string, timeoutMs: number): Promise<void>;
  select(selector: string, value: string, timeoutMs: number): Promise<void>;
  setChecked(selector: string, checked: boolean, timeoutMs: number): Promise<void>;
  scrollIntoView(selector: string, timeoutMs: number): Promise<void>;
  waitForVisible(selector: string, timeoutMs: number): Promise<void>;
  count(selector: string): Promise<number>;

  /** The page's clock (Date, timers, animation frames), paused and run only by Scene. */
  pauseClockAt(instant: number): Promise<void>;
  runClockFor(ms: number): Promise<void>;
  /** Answers animated images with their first frame; undefined when the driver cannot. */
  freezeAnimatedImages(): Promise<AnimatedImageFreezer | undefined>;

  /** The whole document; `scale` device pixels per CSS pixel. */
  fullPageScreenshot(scale: number): Promise<FullPageShot>;
  /**
   * A region of the document (an element, the viewport), `scale` device pixels per CSS pixel;
   * `beyondViewport` false for what the viewport shows.
   */
  regionScreenshot(
    region: DocumentRegion,
    scale: number,
    beyondViewport: boolean,
  ): Promise<FullPageShot>;
  /**
   * The visible elements' boxes and rendering styles, to explain a diff in words; undefined where
   * the driver cannot take it (said in `limits`).
   */
  layoutSnapshot(): Promise<LayoutSnapshot | undefined>;
  /** What the viewport shows now (failure evidence). */
  viewportScreenshot(timeoutMs: number): Promise<Buffer>;
  /** Records the page's repaints for a video; absent where the driver has no screencast. */
  startScreencast?(size: { width: number; height: number }): Promise<ScreencastRecorder>;
  /** The font families the page rendered text with. */
  renderedFonts(): Promise<string[]>;
  /** Playwright tracing, when the driver has it. */
  readonly tracing: { start(): Promise<void>; stop(path: string): Promise<void> } | undefined;

  /** The context closed (aborted, or the browser went away); returns the unsubscribe. */
  onClosed(listener: () => void): () => void;
  /** The page's renderer crashed; returns the unsubscribe. */
  onCrashed(listener: () => void): () => void;
  /** Whether the browser behind the page is still connected. */
  browserConnected(): boolean;
  /** Closes the context; never rejects. */
  close(): Promise<void>;
  /**
   * Parts of the pipeline this driver does differently or not at all, each one sentence for
   * the execution log (empty for Chromium).
   */
  readonly limits: readonly string[];
}
