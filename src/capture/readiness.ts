import type { ScriptPage } from './capture-page.ts';
import { nativeTimersKey } from './determinism.ts';
import type { CaptureLog } from './capture-log.ts';
import { elapsedMs } from './capture-log.ts';
import type { NetworkTracker } from './network-tracker.ts';

export const readinessLimits = {
  /** Scroll steps (one viewport each) before giving up on an endlessly growing page. */
  maxScrollSteps: 60,
  /** No request in flight for this long counts as network quiet. */
  networkQuietMs: 200,
  /** Readiness never blocks a capture longer than this; what is still pending is logged. */
  timeoutMs: 10_000,
  rounds: 3,
};

const scrollSensitiveKey = 'scene.scrollSensitive';

/**
 * Init script noting whether the page can react to scrolling at all: an IntersectionObserver
 * observing something, or a scroll listener on the window or document. A string, not a
 * function: transpilers may add helpers (e.g. __name) that do not exist in the page.
 */
export const scrollWatchScript = `(() => {
  const key = Symbol.for(${JSON.stringify(scrollSensitiveKey)});
  const mark = () => {
    window[key] = true;
    try { if (window.top !== window) window.top[key] = true; } catch {}
  };
  if (window[key] === undefined) window[key] = false;
  if (window.IntersectionObserver) {
    const observe = IntersectionObserver.prototype.observe;
    IntersectionObserver.prototype.observe = function (target) {
      mark();
      return observe.call(this, target);
    };
  }
  for (const target of [window, document]) {
    const add = target.addEventListener;
    target.addEventListener = function (type, listener, options) {
      if (type === 'scroll') mark();
      return add.call(this, type, listener, options);
    };
  }
})();`;

/**
 * Scrolls one viewport at a time to the bottom so scroll- and intersection-driven content
 * loads, then back to the top — only when something on the page reacts to scrolling (each
 * step costs a rendered frame). Native lazy images and iframes are switched to eager.
 */
export async function scrollThroughPage(page: ScriptPage, log: CaptureLog): Promise<void> {
  const started = performance.now();
  const outcome = await page.evaluate(
    async ({ maxSteps, key, nativesKey }) => {
      const scroller = document.scrollingElement ?? document.documentElement;
      const flag: unknown = Reflect.get(window, Symbol.for(key));
      // Without the watch script (flag undefined) nothing is known: scroll.
      const sensitive =
        flag !== false ||
        window.onscroll !== null ||
        document.onscroll !== null ||
        document.querySelector('iframe') !== null;
      // The browser's own timers: a frozen page clock (determinism.ts) never fires the page's.
      const natives = (Reflect.get(window, Symbol.for(nativesKey)) ?? window) as Pick<
        Window,
        'setTimeout' | 'requestAnimationFrame'
      >;
      const step = window.innerHeight;
      const positions: number[] = [];
      for (let y = step; sensitive && y < scroller.scrollHeight && positions.length < maxSteps;) {
        positions.push(y);
        y += step;
      }
      const steps = positions.length;
      // -1: one more frame at the bottom, as observer callbacks for the last position are
      // delivered after its frame; then back to the top.
      if (steps > 0) positions.push(-1, 0);
      // No named inner functions here: transpilers may wrap them in helpers (__name) that do
      // not exist in the page.
      for (const y of positions) {
        if (y >= 0) window.scrollTo(0, y);
        // One rendered frame per position is enough for intersection observers to see it: a
        // task queued from requestAnimationFrame runs after that frame's rendering update. The
        // timeout only guards against a page that renders no frames at all; skipping frames on
        // a busy machine would make the capture depend on the machine's load.
        await new Promise<void>((resolve) => {
          natives.requestAnimationFrame(() => natives.setTimeout(resolve, 0));
          natives.setTimeout(resolve, 2000);
        });
      }
      let forced = 0;
      for (const element of Array.from(document.querySelectorAll('img, iframe'))) {
        const lazy = element as HTMLImageElement | HTMLIFrameElement;
        if (lazy.loading === 'lazy' && !(lazy instanceof HTMLImageElement && lazy.complete)) {
          lazy.loading = 'eager';
          forced++;
        }
      }
      return { sensitive, steps, forced, height: scroller.scrollHeight };
    },
    {
      maxSteps: readinessLimits.maxScrollSteps,
      key: scrollSensitiveKey,
      nativesKey: nativeTimersKey,
    },
  );
  const forced = outcome.forced > 0 ? `; ${outcome.forced} lazy image(s)/iframe(s) forced` : '';
  log.info(
    'scroll',
    outcome.sensitive
      ? `scrolled ${outcome.steps} step(s) through ${outcome.height} px${forced}`
      : `not scrolled: nothing on the page reacts to scrolling${forced}`,
    elapsedMs(started),
  );
}

/**
 * Waits for fonts, images and network quiet, each returning at once when already settled;
 * repeats while a round found work (late content can bring new images).
 */
export async function waitForReadiness(
  page: ScriptPage,
  network: NetworkTracker,
  log: CaptureLog,
  signal: AbortSignal,
): Promise<void> {
  const started = performance.now();
  const deadline = started + readinessLimits.timeoutMs;
  const pending: string[] = [];
  for (let round = 0; round < readinessLimits.rounds; round++) {
    const budget = Math.max(0, deadline - performance.now());
    const networkWasQuiet = network.isQuiet(readinessLimits.networkQuietMs);
    const [quiet, assets] = await Promise.all([
      network.waitForQuiet(readinessLimits.networkQuietMs, budget, signal),
      waitForFontsAndImages(page, budget),
    ]);
    if (!quiet) pending.push(`${network.inflight} request(s) in flight`);
    if (!assets.settled) pending.push(`${assets.pendingImages} image(s) or fonts loading`);
    if (pending.length > 0 || (networkWasQuiet && assets.pendingImages === 0)) break;
  }
  const message =
    pending.length > 0
      ? `not settled after ${readinessLimits.timeoutMs} ms (${pending.join(', ')}); capturing anyway`
      : 'fonts, images and network settled';
  if (pending.length > 0) log.warn('readiness', message, elapsedMs(started));
  else log.info('readiness', message, elapsedMs(started));
}

function waitForFontsAndImages(
  page: ScriptPage,
  timeoutMs: number,
): Promise<{ settled: boolean; pendingImages: number }> {
  return page.evaluate(
    async ({ timeout, nativesKey }) => {
      const natives = (Reflect.get(window, Symbol.for(nativesKey)) ?? window) as Pick<
        Window,
        'setTimeout'
      >;
      const images = Array.from(document.images).filter((image) => !image.complete);
      const loads = images.map(
        (image) =>
          new Promise<void>((resolve) => {
            image.addEventListener('load', () => resolve(), { once: true });
            image.addEventListener('error', () => resolve(), { once: true });
          }),
      );
      const settled = await Promise.race([
        Promise.all([document.fonts.ready, ...loads]).then(() => true),
        new Promise<boolean>((resolve) => natives.setTimeout(() => resolve(false), timeout)),
      ]);
      return { settled, pendingImages: images.length };
    },
    { timeout: timeoutMs, nativesKey: nativeTimersKey },
  );
}

/** Whether web fonts are loaded and every image is complete, as things stand now. */
export function assetsLoaded(page: ScriptPage): Promise<boolean> {
  return page.evaluate(
    () =>
      document.fonts.status === 'loaded' &&
      Array.from(document.images).every((image) => image.complete),
  );
}

const changesKey = 'scene.domChanges';

interface ChangeWatch {
  delivered: number;
  observer?: MutationObserver;
}

/**
 * Starts counting DOM changes (nodes, attributes, text) anywhere in the document. (No named
 * functions in the page: transpilers may wrap them in helpers that do not exist there.)
 */
export function watchForChanges(page: ScriptPage): Promise<void> {
  return page.evaluate((key) => {
    const watch: ChangeWatch = { delivered: 0 };
    watch.observer = new MutationObserver((records) => {
      watch.delivered += records.length;
    });
    watch.observer.observe(document, {
      subtree: true,
      childList: true,
      attributes: true,
      characterData: true,
    });
    Reflect.set(window, Symbol.for(key), watch);
  }, changesKey);
}

/** Whether the document changed since watchForChanges; stops counting. */
export function changedSinceWatch(page: ScriptPage): Promise<boolean> {
  return page.evaluate((key) => {
    const watch = Reflect.get(window, Symbol.for(key)) as ChangeWatch | undefined;
    if (!watch?.observer) return true; // a navigation replaced the document
    // records not delivered to the callback yet are still in the observer's queue
    const changes = watch.delivered + watch.observer.takeRecords().length;
    watch.observer.disconnect();
    return changes > 0;
  }, changesKey);
}
