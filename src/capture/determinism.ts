import { sleep } from '../shared/clock.ts';
import type { AnimatedImageFreezer } from './animated-images.ts';
import { isTransientFailure, shortMessage } from './capture-error.ts';
import type { CaptureLog } from './capture-log.ts';
import type { CapturePage, ScriptPage } from './capture-page.ts';
import type { PageDeterminism } from './capture.types.ts';
import type { NetworkTracker } from './network-tracker.ts';

// Issue 16: pages that move with things CSS cannot stop (Date, timers, requestAnimationFrame,
// Math.random, animated images, SMIL, video) render the same pixels every run. The page's clock
// is Playwright's (context.clock: Date, performance.now, timers, requestAnimationFrame, Intl,
// in every frame; in Firefox the same clock script, in the main frame: see firefox-clock.ts),
// paused at a fixed instant before the page's first script and advanced only by Scene, in fixed
// amounts, at fixed points of the pipeline. Randomness and media are handled by
// an init script that runs before the page's own code.

export { defaultDeterminism, defaultFrozenTime } from './determinism-defaults.ts';

/** Page time (ms) Scene runs the frozen clock for, and how; none of these is real time. */
export const pageClockSteps = {
  /** After the load event: a `setTimeout(…, 2000)` or a chain of timers renders. */
  afterLoadMs: 5_000,
  /** After the page's and task's actions, for what they scheduled. */
  afterActionsMs: 1_000,
  /** After readiness when the network was busy since the clock last ran (late responses). */
  afterLateNetworkMs: 1_000,
  lateNetworkRounds: 2,
  /**
   * The clock runs in steps this long; before each, requests in flight are waited for (up to
   * inflightWaitMs of real time per run, all steps together: a page holding a connection open
   * must not cost that per step), so a response lands at the same page time every run.
   */
  stepMs: 500,
  inflightWaitMs: 2_000,
  /** While a step waits on the page (waitForSelector, a script), its clock runs this much per… */
  pumpStepMs: 50,
  /** …this much real time. */
  pumpIntervalMs: 50,
};

const nativesKey = 'scene.native';

/**
 * The init script: keeps the browser's own timers for Scene's in-page helpers (readiness must
 * not wait on a clock that only Scene advances), seeds Math.random and crypto.getRandomValues,
 * and keeps video and audio paused. A string, not a function: transpilers may add helpers
 * (e.g. __name) that do not exist in the page. Added before the clock is installed, so the
 * timers it keeps are the real ones.
 */
export function determinismScript(options: PageDeterminism): string {
  const parts = [
    `const nativesKey = Symbol.for(${JSON.stringify(nativesKey)});
  if (window[nativesKey]) return;
  Object.defineProperty(window, nativesKey, { value: {
    setTimeout: window.setTimeout.bind(window),
    clearTimeout: window.clearTimeout.bind(window),
    requestAnimationFrame: window.requestAnimationFrame.bind(window),
  } });`,
  ];
  if (options.seedRandom) parts.push(seededRandomSource(options.randomSeed));
  if (options.freezeTime) parts.push(pausedMediaSource);
  return `(() => {\n  ${parts.join('\n  ')}\n})();`;
}

/**
 * Math.random and crypto.getRandomValues/randomUUID from two seeded generators (sfc32 seeded by
 * a string hash), so that one's calls do not shift the other's sequence. crypto.subtle (keys,
 * signatures) is untouched. getRandomValues still calls the browser's first, which keeps its
 * argument checks (types, the 65 536-byte quota) and errors.
 */
function seededRandomSource(seed: string): string {
  return `const seed = ${JSON.stringify(seed)};
  const generator = (salt) => {
    let h = 1779033703 ^ (seed.length + salt.length);
    const text = salt + '|' + seed;
    for (let i = 0; i < text.length; i++) {
      h = Math.imul(h ^ text.charCodeAt(i), 3432918353);
      h = (h << 13) | (h >>> 19);
    }
    const next = () => {
      h = Math.imul(h ^ (h >>> 16), 2246822507);
      h = Math.imul(h ^ (h >>> 13), 3266489909);
      return (h ^= h >>> 16) >>> 0;
    };
    let a = next(), b = next(), c = next(), d = next();
    return () => {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) | 0;
      return t >>> 0;
    };
  };
  const mathNext = generator('Math.random');
  Math.random = function random() { return mathNext() / 4294967296; };
  if (typeof Crypto !== 'undefined' && Crypto.prototype.getRandomValues) {
    const cryptoNext = generator('crypto');
    const nativeGetRandomValues = Crypto.prototype.getRandomValues;
    Crypto.prototype.getRandomValues = function getRandomValues(array) {
      nativeGetRandomValues.call(this, array);
      const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
      for (let i = 0; i < bytes.length; i++) bytes[i] = cryptoNext() & 255;
      return array;
    };
    if (Crypto.prototype.randomUUID) {
      Crypto.prototype.randomUUID = function randomUUID() {
        const b = new Uint8Array(16);
        for (let i = 0; i < 16; i++) b[i] = cryptoNext() & 255;
        b[6] = (b[6] & 15) | 64;
        b[8] = (b[8] & 63) | 128;
        const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
        return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' + hex.slice(16, 20) + '-' + hex.slice(20);
      };
    }
  }`;
}

/**
 * Video and audio never play: play() pauses instead (and resolves, as pages await it), the
 * autoplay attribute is dropped as elements arrive, and any play that starts anyway is paused.
 * They are shown at their first frame (or poster) by settleMedia before the screenshot.
 */
const pausedMediaSource = `if (typeof HTMLMediaElement !== 'undefined') {
    const nativePause = HTMLMediaElement.prototype.pause;
    HTMLMediaElement.prototype.play = function play() { nativePause.call(this); return Promise.resolve(); };
    const keepStill = (node) => {
      if (node instanceof HTMLMediaElement) { node.autoplay = false; nativePause.call(node); }
      if (node.querySelectorAll) for (const media of node.querySelectorAll('video, audio')) { media.autoplay = false; nativePause.call(media); }
    };
    new MutationObserver((records) => {
      for (const record of records) for (const node of record.addedNodes) keepStill(node);
    }).observe(document, { childList: true, subtree: true });
    document.addEventListener('play', (event) => { if (event.target instanceof HTMLMediaElement) nativePause.call(event.target); }, true);
  }`;

/** Scene's in-page helpers use the browser's own timers when the page's clock is frozen. */
export const nativeTimersKey = nativesKey;

/** What settleMedia found and did. */
export interface MediaSettled {
  svgs: number;
  media: number;
  /** Media still loading their first frame when the wait gave up. */
  pending: number;
}

export const mediaLimits = {
  /** How long to wait for paused videos to have their first frame, in real time. */
  firstFrameWaitMs: 3_000,
};

/**
 * SVG SMIL animations paused at time 0; video and audio paused at 0 (a video that never played
 * keeps its poster), waiting a bounded time for each video's first frame to be decoded.
 */
export function settleMedia(page: ScriptPage): Promise<MediaSettled> {
  return page.evaluate(
    async ({ key, waitMs }) => {
      const natives = (Reflect.get(window, Symbol.for(key)) ?? window) as Pick<
        Window,
        'setTimeout'
      >;
      let svgs = 0;
      for (const svg of Array.from(document.querySelectorAll('svg'))) {
        if (svg.ownerSVGElement !== null) continue;
        svg.pauseAnimations();
        svg.setCurrentTime(0);
        svgs++;
      }
      const media = Array.from(document.querySelectorAll<HTMLMediaElement>('video, audio'));
      for (const element of media) {
        element.pause();
        // Seeking hides a poster: only media that moved are sought back.
        if (element.currentTime !== 0) element.currentTime = 0;
      }
      const loading = media.filter(
        (element) =>
          element instanceof HTMLVideoElement &&
          element.preload !== 'none' &&
          element.networkState !== HTMLMediaElement.NETWORK_EMPTY &&
          element.networkState !== HTMLMediaElement.NETWORK_NO_SOURCE &&
          (element.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || element.seeking),
      );
      if (loading.length > 0) {
        await Promise.race([
          Promise.all(
            loading.map(
              (element) =>
                new Promise<void>((resolve) => {
                  for (const type of ['loadeddata', 'seeked', 'error', 'emptied']) {
                    element.addEventListener(
                      type,
                      () => {
                        if (!element.seeking) resolve();
                      },
                      { once: true },
                    );
                  }
                }),
            ),
          ),
          new Promise<void>((resolve) => natives.setTimeout(resolve, waitMs)),
        ]);
      }
      const pending = loading.filter(
        (element) => element.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || element.seeking,
      ).length;
      return { svgs, media: media.length, pending };
    },
    { key: nativesKey, waitMs: mediaLimits.firstFrameWaitMs },
  );
}

/**
 * The page's clock, frozen: it moves only when Scene runs it, by fixed amounts, so that timers,
 * animation frames and Date see the same times in the same order every run.
 */
export class PageClock {
  readonly #page: CapturePage;
  readonly #network: NetworkTracker;
  readonly #log: CaptureLog;
  readonly #signal: AbortSignal;
  readonly startedAt: number;
  #ranMs = 0;
  #networkMark: number;
  #pageErrors = 0;

  constructor(
    page: CapturePage,
    network: NetworkTracker,
    log: CaptureLog,
    signal: AbortSignal,
    startedAt: number,
  ) {
    this.#page = page;
    this.#network = network;
    this.#log = log;
    this.#signal = signal;
    this.startedAt = startedAt;
    this.#networkMark = network.lastActivity;
  }

  /** Page time run so far, in ms since the frozen instant. */
  get ranMs(): number {
    return this.#ranMs;
  }

  /** The page's "now", as an ISO string. */
  get pageNow(): string {
    return new Date(this.startedAt + this.#ranMs).toISOString();
  }

  /** Whether a request started or ended since the clock last ran. */
  get networkActiveSinceRun(): boolean {
    return this.#network.lastActivity > this.#networkMark;
  }

  /**
   * Runs the page's clock `ms` forward, firing its timers and animation frames in order, in
   * steps with the requests in flight waited for between them.
   */
  async run(ms: number): Promise<void> {
    const waitUntil = performance.now() + pageClockSteps.inflightWaitMs;
    for (let left = ms; left > 0; left -= pageClockSteps.stepMs) {
      this.#signal.throwIfAborted();
      const budget = waitUntil - performance.now();
      if (this.#network.inflight > 0 && budget > 0) {
        await this.#network.waitForQuiet(0, budget, this.#signal);
      }
      await this.#runFor(Math.min(pageClockSteps.stepMs, left));
    }
    this.#networkMark = this.#network.lastActivity;
  }

  /**
   * Runs the clock while `work` waits on the page (an element a timer shows, a script's own
   * timers), about as fast as real time: the page's timers fire in the same order as always.
   */
  async whileWaiting<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const done = work.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (!settled) {
      await Promise.race([done, sleep(pageClockSteps.pumpIntervalMs)]);
      if (!settled) await this.#runFor(pageClockSteps.pumpStepMs);
    }
    return work;
  }

  async #runFor(ms: number): Promise<void> {
    try {
      await this.#page.runClockFor(ms);
      this.#ranMs += ms;
    } catch (error) {
      if (this.#page.isClosed() || isTransientFailure(error)) throw error;
      // A timer callback of the page threw: the clock still ran all timers due (Playwright
      // rethrows the first error after the run). The page's error is the page's business.
      this.#ranMs += ms;
      if (this.#pageErrors++ === 0) {
        this.#log.warn('clock', `a page timer threw while the clock ran: ${shortMessage(error)}`);
      }
    }
  }
}

/** What installDeterminism set up for one capture. */
export interface DeterminismSession {
  /** Set when time is frozen. */
  clock?: PageClock;
  /** Set when time is frozen and the driver can rewrite image responses. */
  images?: AnimatedImageFreezer;
}

/**
 * Before navigation: the init script, then the clock (paused at the frozen instant: a new
 * document starts at that instant with performance.now() at 0), then the first-frame rewriting
 * of animated images. Logs which mode is used.
 */
export async function installDeterminism(
  target: { page: CapturePage; network: NetworkTracker },
  options: PageDeterminism,
  log: CaptureLog,
  signal: AbortSignal,
): Promise<DeterminismSession> {
  const { page, network } = target;
  const started = performance.now();
  await page.addInitScript(determinismScript(options));
  const session: DeterminismSession = {};
  const notes: string[] = [];
  if (options.freezeTime) {
    const instant = Date.parse(options.frozenTime);
    if (!Number.isFinite(instant)) throw new Error(`invalid frozen time '${options.frozenTime}'`);
    await page.pauseClockAt(instant);
    session.clock = new PageClock(page, network, log, signal, instant);
    notes.push(
      `time frozen at ${new Date(instant).toISOString()} (Date, performance.now, timers and ` +
        `animation frames move only when Scene runs the clock)`,
      'video/audio kept paused, SVG animations paused at 0',
    );
    const images = await page.freezeAnimatedImages();
    if (images) {
      session.images = images;
      notes.push('animated images (GIF, APNG, WebP, AVIF) shown at their first frame');
    } else {
      notes.push(`animated images: not rewritten by Scene in ${page.browserName}`);
    }
  } else {
    notes.push('time runs (freezeTime off): clock, animated images, SMIL and media move');
  }
  notes.push(
    options.seedRandom
      ? `Math.random and crypto.getRandomValues seeded ("${options.randomSeed}")`
      : 'randomness unseeded (seedRandom off)',
  );
  log.info('determinism', notes.join('; '), Math.round(performance.now() - started));
  return session;
}
