import type { Page } from 'playwright-core';
import type { CaptureLog } from './capture-log.ts';
import { elapsedMs } from './capture-log.ts';
import type { NetworkTracker } from './network-tracker.ts';

export const readinessLimits = {
  /** Scroll steps (one viewport each) before giving up on an endlessly growing page. */
  maxScrollSteps: 60,
  /** No request in flight for this long counts as network quiet. */
  networkQuietMs: 250,
  /** Readiness never blocks a capture longer than this; what is still pending is logged. */
  timeoutMs: 10_000,
  rounds: 3,
};

/**
 * Scrolls one viewport at a time to the bottom so scroll- and intersection-driven content
 * loads, then back to the top; native lazy images still not started are switched to eager.
 */
export async function scrollThroughPage(page: Page, log: CaptureLog): Promise<void> {
  const started = performance.now();
  const outcome = await page.evaluate(async (maxSteps) => {
    const scroller = document.scrollingElement ?? document.documentElement;
    const step = window.innerHeight;
    let steps = 0;
    // Two frames per position: intersection observers report after the first.
    for (let y = step; y < scroller.scrollHeight && steps < maxSteps; y += step) {
      window.scrollTo(0, y);
      steps++;
      for (let frame = 0; frame < 2; frame++) {
        await new Promise<void>((resolve) => {
          requestAnimationFrame(() => resolve());
          setTimeout(resolve, 100);
        });
      }
    }
    if (steps > 0) window.scrollTo(0, 0);
    let forcedImages = 0;
    for (const image of Array.from(document.images)) {
      if (image.loading === 'lazy' && !image.complete) {
        image.loading = 'eager';
        forcedImages++;
      }
    }
    return { steps, forcedImages, height: scroller.scrollHeight };
  }, readinessLimits.maxScrollSteps);
  log.info(
    'scroll',
    `scrolled ${outcome.steps} step(s) through ${outcome.height} px` +
      (outcome.forcedImages > 0 ? `, ${outcome.forcedImages} lazy image(s) forced` : ''),
    elapsedMs(started),
  );
}

/**
 * Waits for fonts, images and network quiet, each returning at once when already settled;
 * repeats while a round found work (late content can bring new images).
 */
export async function waitForReadiness(
  page: Page,
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
  page: Page,
  timeoutMs: number,
): Promise<{ settled: boolean; pendingImages: number }> {
  return page.evaluate(async (timeout) => {
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
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeout)),
    ]);
    return { settled, pendingImages: images.length };
  }, timeoutMs);
}
