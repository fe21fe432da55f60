import type {
  Action,
  CellCapture,
  Cookie,
  DeviceEmulation,
  ExecutionEnvironment,
  Rect,
} from '../shared/domain.ts';
import type { LayoutSnapshot } from '../shared/layout-snapshot.ts';

// The contract between the run engine and the capture engine. The engine knows nothing of
// runs, databases or HTTP: it receives everything it needs in a CaptureRequest.

export interface CaptureRequest {
  url: string;
  referenceUrl?: string;
  browser: string; // 'chromium', 'firefox' (see browser-availability.ts)
  /** CSS size, and the device it emulates: screenshots are deviceScaleFactor times the CSS size. */
  viewport: { width: number; height: number } & DeviceEmulation;
  basicAuth?: { username: string; password: string };
  pageActions: Action[];
  pageScript?: string;
  taskActions: Action[];
  taskScript?: string;
  hideSelectors: string[];
  removeSelectors: string[];
  maskSelectors: string[];
  /** Extra wait after readiness, in ms. */
  waitMs: number;
  suppressAnimations: boolean;
  hideCaret: boolean;
  cookieBanner: { removeSelectors: string[]; cookies: Cookie[] };
  /** Record a Playwright trace (zip) of the capture. */
  trace: boolean;
  /** The full page (default), what the viewport shows, or one element (its first match). */
  capture?: CellCapture;
  /**
   * Record a video of the capture (Chromium: CDP screencast encoded by ffmpeg to WebM).
   * `ffmpegPath` overrides the usual locations. Without ffmpeg the capture logs it and succeeds.
   */
  video?: { ffmpegPath?: string };
  /** Per declarative step / script, unless the step's `ms` says otherwise. Default 10 s. */
  stepTimeoutMs?: number;
  /** Until the document answers (DOMContentLoaded). Default 30 s. */
  navigationTimeoutMs?: number;
  /** What Scene freezes so the page renders the same pixels every run (determinism.ts). */
  determinism: PageDeterminism;
}

export interface PageDeterminism {
  /**
   * The page's clock (Date, performance.now, timers, requestAnimationFrame) starts paused at
   * `frozenTime` and moves only when Scene runs it; animated images show their first frame,
   * SVG animations and video/audio are paused at 0. Off: all of these run in real time.
   */
  freezeTime: boolean;
  /** ISO-8601 instant the frozen clock starts at. */
  frozenTime: string;
  /** Math.random and crypto.getRandomValues/randomUUID repeat the same sequence every run. */
  seedRandom: boolean;
  /** Seed of those sequences (the run engine uses page and viewport). */
  randomSeed: string;
}

export interface CaptureLogLine {
  at: string;
  level: 'info' | 'warn' | 'error';
  /** e.g. 'navigate', 'action', 'readiness', 'screenshot'. */
  step: string;
  message: string;
  durationMs?: number;
}

export interface CapturedImage {
  png: Buffer;
  width: number;
  height: number;
  httpStatus: number;
  finalUrl: string;
  /**
   * The page's layout at the moment of the screenshot (Chromium over CDP, Firefox by a script in
   * the page; absent when taking it failed, which is logged).
   */
  layout?: LayoutSnapshot;
  /**
   * Where the image's top-left corner is on the page, in image pixels: (0, 0) but for an
   * element capture. Page-coordinate ignore regions move by it.
   */
  origin?: { x: number; y: number };
}

export interface CaptureResult {
  observed: CapturedImage;
  reference?: CapturedImage;
  /**
   * maskSelectors resolved to rectangles of the screenshot at capture time (image pixels: CSS
   * pixels times the device scale factor), for the diff's ignore list.
   */
  maskRects: Rect[];
  /** What rendered the observed screenshot. */
  environment: ExecutionEnvironment;
  /** Playwright trace zip, when requested. */
  trace?: Buffer;
  /** WebM video of the observed capture, when requested and ffmpeg could encode it. */
  video?: Buffer;
  log: CaptureLogLine[];
}

export type CaptureFailureKind =
  | 'navigation' // HTTP 4xx/5xx or network error
  | 'action' // a declarative step or script failed
  | 'aborted' // the signal fired (cancel or timeout)
  | 'transient' // browser crash, target closed, connection reset: retry with a fresh context
  | 'browser-unavailable' // no executable / unknown browser
  | 'internal';

export interface CaptureHooks {
  /**
   * Aborting closes the context; the capture rejects with kind 'aborted' promptly (< 2 s). With
   * the reason 'timeout' (the execution's time ran out) the page is first screenshot, within
   * 2 s, as the error's failure evidence (`CaptureError.screenshot`).
   */
  signal: AbortSignal;
  onLog?: (line: CaptureLogLine) => void;
}
