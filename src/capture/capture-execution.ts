import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from '../shared/clock.ts';
import type { Rect } from '../shared/domain.ts';
import { runActions, runScript, untilAborted, type StepRunner } from './actions.ts';
import type { BrowserPool, CaptureContext } from './browser-pool.ts';
import type { ContextSpec } from './capture-context.ts';
import type { CapturePage } from './capture-page.ts';
import { CaptureError, isTransientFailure, shortMessage } from './capture-error.ts';
import { CaptureLog, elapsedMs } from './capture-log.ts';
import {
  installDeterminism,
  pageClockSteps,
  settleMedia,
  type DeterminismSession,
  type MediaSettled,
} from './determinism.ts';
import type {
  CapturedImage,
  CaptureHooks,
  CaptureRequest,
  CaptureResult,
} from './capture.types.ts';
import { captureEnvironment } from './environment.ts';
import { NetworkTracker } from './network-tracker.ts';
import { scrubTrace, traceSecretsOf } from './scrub-trace.ts';
import {
  assetsLoaded,
  changedSinceWatch,
  scrollThroughPage,
  scrollWatchScript,
  waitForReadiness,
  watchForChanges,
} from './readiness.ts';
import type { LayoutSnapshot } from '../shared/layout-snapshot.ts';
import {
  elementRegion,
  resolveMaskRects,
  viewportRegion,
  type FullPageShot,
} from './screenshot.ts';
import { finalizeAnimations, hideAndRemove, installStability } from './stability.ts';
import { ffmpegCandidates, findFfmpeg, finishVideo } from './video.ts';

export const captureDefaults = {
  navigationTimeoutMs: 30_000,
  /** After DOMContentLoaded, how long to wait for the load event before capturing anyway. */
  loadTimeoutMs: 10_000,
  stepTimeoutMs: 10_000,
  /** An aborted capture rejects at once; closing its context gets this long before we move on. */
  closeGraceMs: 1_500,
  /** A failed capture's screenshot of the page as it was (failure evidence) gets this long. */
  failureScreenshotTimeoutMs: 5_000,
  /**
   * A capture aborted by its execution timeout screenshots the page before closing it, for this
   * long at most: a page hung in a script cannot paint, and the context must still close soon.
   */
  timeoutScreenshotTimeoutMs: 2_000,
};

/** Network errors worth a retry: the connection dropped rather than the site refusing. */
const transientNetworkErrors = [
  'net::ERR_CONNECTION_RESET',
  'net::ERR_CONNECTION_CLOSED',
  'net::ERR_NETWORK_CHANGED',
  'net::ERR_EMPTY_RESPONSE',
];

interface Target {
  url: string;
  trace: boolean;
  masks: boolean;
  video: boolean;
}

interface TargetCapture {
  image: CapturedImage;
  maskRects: Rect[];
  trace?: Buffer;
  /** The page's rendered fonts: asked for the observed target only. */
  fonts?: string[];
  video?: Buffer;
}

/**
 * Captures one execution (DESIGN.md section 3, steps 1-6): the page, and its reference URL
 * when set, each in a fresh context that is always closed.
 */
export async function captureExecution(
  pool: BrowserPool,
  request: CaptureRequest,
  hooks: CaptureHooks,
): Promise<CaptureResult> {
  const { signal } = hooks;
  const log = new CaptureLog(hooks.onLog);
  try {
    signal.throwIfAborted();
    const observed = await captureTarget(
      pool,
      request,
      { url: request.url, trace: request.trace, masks: true, video: request.video !== undefined },
      log,
      signal,
    );
    const result: CaptureResult = {
      observed: observed.image,
      maskRects: observed.maskRects,
      environment: await captureEnvironment(
        request,
        await pool.browserVersion(request.browser),
        observed.fonts ?? [],
      ),
      log: log.lines,
    };
    if (observed.trace) result.trace = observed.trace;
    if (observed.video) result.video = observed.video;
    if (request.referenceUrl !== undefined) {
      const reference = await captureTarget(
        pool,
        request,
        { url: request.referenceUrl, trace: false, masks: false, video: false },
        log.withPrefix('reference: '),
        signal,
      );
      result.reference = reference.image;
    }
    return result;
  } catch (error) {
    const failure = toCaptureError(error, signal);
    log.error(failure.step ?? 'capture', failure.message);
    failure.log = log.lines;
    throw failure;
  }
}

async function captureTarget(
  pool: BrowserPool,
  request: CaptureRequest,
  target: Target,
  log: CaptureLog,
  signal: AbortSignal,
): Promise<TargetCapture> {
  const started = performance.now();
  const { page, prepared } = await openContext(pool, request, target.url, signal);
  let closing: Promise<void> | undefined;
  const closeContext = (): Promise<void> => (closing ??= page.close());
  let stop: (() => void) | undefined;
  const unsubscribe: (() => void)[] = [];
  // Failure evidence of a timeout: the page as it was when time ran out, taken before closing.
  let timeoutShot: Promise<Buffer | undefined> | undefined;
  const onAbort = (): void => {
    if (signal.reason !== 'timeout') {
      void closeContext();
      stop?.();
      return;
    }
    timeoutShot = failureScreenshot(page, captureDefaults.timeoutScreenshotTimeoutMs);
    void timeoutShot.finally(() => {
      void closeContext();
      stop?.();
    });
  };
  signal.addEventListener('abort', onAbort, { once: true });
  const state = { tracing: false };

  try {
    // Rejects as soon as the capture cannot go on, even while the page hangs. Its listeners
    // only settle this (handled) promise, so firing after the capture ended is harmless.
    const interrupted = new Promise<never>((_, reject) => {
      stop = () => reject(toCaptureError(new Error('browser closed'), signal, page));
      unsubscribe.push(
        page.onClosed(stop),
        page.onCrashed(() =>
          reject(new CaptureError('transient', `the page crashed while capturing ${target.url}`)),
        ),
      );
    });
    interrupted.catch(() => undefined);
    const work = runPipeline({
      page,
      request,
      target,
      log,
      signal,
      state,
      started,
      prepared,
    });
    work.catch(() => undefined);
    return await Promise.race([work, interrupted]);
  } catch (error) {
    const failure = toCaptureError(error, signal, page);
    if (failure.kind === 'action' || failure.kind === 'navigation') {
      // Failure evidence: the page as it was when the step, the answer or the wait failed.
      const screenshot = await failureScreenshot(page);
      if (screenshot) failure.screenshot = screenshot;
    } else if (failure.kind === 'aborted' && timeoutShot) {
      const screenshot = await timeoutShot;
      if (screenshot) failure.screenshot = screenshot;
    }
    if (state.tracing && (failure.kind === 'action' || failure.kind === 'navigation')) {
      const trace = await saveTrace(page, request).catch(() => undefined);
      if (trace) failure.trace = trace;
    }
    throw failure;
  } finally {
    signal.removeEventListener('abort', onAbort);
    for (const off of unsubscribe) off();
    await settleWithin(closeContext(), captureDefaults.closeGraceMs);
  }
}

interface Pipeline {
  page: CapturePage;
  request: CaptureRequest;
  target: Target;
  log: CaptureLog;
  signal: AbortSignal;
  /** Shared with the caller, which saves the trace of a failed capture. */
  state: { tracing: boolean };
  started: number;
  /** The context was opened ahead of time (a spare). */
  prepared: boolean;
}

async function runPipeline(pipeline: Pipeline): Promise<TargetCapture> {
  const { page, request, target, log, signal, state, started, prepared } = pipeline;
  if (target.trace) {
    if (page.tracing) {
      await page.tracing.start();
      state.tracing = true;
    } else {
      log.warn('trace', `no trace recorded: ${page.browserName} has no Playwright tracing`);
    }
  }
  await installStability(page, {
    suppressAnimations: request.suppressAnimations,
    hideCaret: request.hideCaret,
    removeSelectors: request.cookieBanner.removeSelectors,
  });
  await page.addInitScript(scrollWatchScript);
  await presetCookies(page, request, target.url);
  const network = new NetworkTracker(page);
  log.info(
    'context',
    `fresh ${request.browser} context ${request.viewport.width}x${request.viewport.height}` +
      (prepared ? ' (opened ahead of time)' : ''),
    elapsedMs(started),
  );
  for (const limit of page.limits) log.warn('browser', limit);
  const determinism = await installDeterminism({ page, network }, request.determinism, log, signal);
  const { clock } = determinism;
  const video = target.video ? await startVideo(page, request, log) : undefined;

  const navigation = await navigate(
    page,
    target.url,
    request.navigationTimeoutMs ?? captureDefaults.navigationTimeoutMs,
    log,
  );
  // Early too: a running animation renders 60 frames a second for the whole capture.
  if (request.suppressAnimations) await finalizeAnimations(page);
  if (clock) await runClock(clock, pageClockSteps.afterLoadMs, 'after load', log);

  if (request.cookieBanner.removeSelectors.length > 0) {
    const { removed } = await selectorStep('cookie banner removeSelectors', () =>
      hideAndRemove(page, [], request.cookieBanner.removeSelectors),
    );
    log.info('cookie-banner', `removed ${removed} cookie banner element(s)`);
  }

  const runner: StepRunner = {
    page,
    network,
    log,
    signal,
    stepTimeoutMs: request.stepTimeoutMs ?? captureDefaults.stepTimeoutMs,
  };
  if (clock) runner.clock = clock;
  await runActions(runner, request.pageActions, 'page');
  if (request.pageScript) await runScript(runner, request.pageScript, 'page');
  await runActions(runner, request.taskActions, 'task');
  if (request.taskScript) await runScript(runner, request.taskScript, 'task');
  const acted =
    request.pageActions.length + request.taskActions.length > 0 ||
    request.pageScript !== undefined ||
    request.taskScript !== undefined;
  if (clock && acted) {
    await runClock(clock, pageClockSteps.afterActionsMs, 'after the actions', log);
  }

  if (request.hideSelectors.length > 0 || request.removeSelectors.length > 0) {
    const { hidden, removed } = await selectorStep('hideSelectors/removeSelectors', () =>
      hideAndRemove(page, request.hideSelectors, request.removeSelectors),
    );
    log.info('hide', `hid ${hidden} and removed ${removed} element(s)`);
  }

  await scrollThroughPage(page, log);
  const shot = await settledScreenshot({
    page,
    request,
    network,
    log,
    signal,
    determinism,
  });
  if (shot.cutFromHeight !== undefined) {
    log.warn(
      'screenshot',
      `page is ${shot.cutFromHeight} px tall; captured the top ${shot.height / (request.viewport.deviceScaleFactor ?? 1)} px`,
    );
  }

  // Rectangles of the image: CSS pixels times the device scale factor.
  const scale = request.viewport.deviceScaleFactor ?? 1;
  const region = { ...shot.origin, width: shot.width / scale, height: shot.height / scale };
  const maskRects = target.masks
    ? scaleRects(
        await selectorStep('maskSelectors', () =>
          resolveMaskRects(page, request.maskSelectors, region),
        ),
        scale,
      )
    : [];
  if (request.maskSelectors.length > 0 && target.masks) {
    log.info('mask', `${maskRects.length} mask rectangle(s)`);
  }

  const capture: TargetCapture = {
    image: {
      png: shot.png,
      width: shot.width,
      height: shot.height,
      httpStatus: navigation.status,
      finalUrl: navigation.finalUrl,
      origin: { x: shot.origin.x * scale, y: shot.origin.y * scale },
      ...(shot.layout && { layout: shot.layout }),
    },
    maskRects,
  };
  if (target.masks) capture.fonts = await renderedFonts(page, log);
  if (video) {
    const encoded = await finishVideo(video.recorder, video.ffmpeg, log);
    if (encoded) capture.video = encoded;
  }
  if (state.tracing) {
    capture.trace = await log.timed('trace', 'trace saved', () => saveTrace(page, request));
    state.tracing = false;
  }
  return capture;
}

/** Starts the screencast of the capture; when it cannot, says why in the log and goes on. */
async function startVideo(page: CapturePage, request: CaptureRequest, log: CaptureLog) {
  const ffmpeg = findFfmpeg(request.video?.ffmpegPath);
  if (!ffmpeg) {
    const looked = request.video?.ffmpegPath ?? ffmpegCandidates.join(', ');
    log.warn(
      'video',
      `no video recorded: ffmpeg not found (looked in ${looked}); install Debian's ffmpeg with \`apt-get install -y ffmpeg\``,
    );
    return undefined;
  }
  if (!page.startScreencast) {
    log.warn('video', `no video recorded: ${page.browserName} has no screencast (Chromium only)`);
    return undefined;
  }
  const recorder = await page.startScreencast(request.viewport);
  log.info('video', 'recording the capture (CDP screencast)');
  return { recorder, ffmpeg };
}

interface Settling {
  page: CapturePage;
  request: CaptureRequest;
  network: NetworkTracker;
  log: CaptureLog;
  signal: AbortSignal;
  determinism: DeterminismSession;
}

/** Runs the frozen page clock and logs it (page time, and the real time it took). */
async function runClock(
  clock: NonNullable<DeterminismSession['clock']>,
  ms: number,
  when: string,
  log: CaptureLog,
): Promise<void> {
  const started = performance.now();
  await clock.run(ms);
  log.info(
    'clock',
    `ran the page clock ${ms} ms ${when} (page time ${clock.pageNow})`,
    elapsedMs(started),
  );
}

/**
 * Waits for readiness (fonts, images, network quiet), then the extra wait, then takes the
 * screenshot with animations settled. A page whose fonts and images are in and that has no
 * request in flight has usually settled already: its screenshot is then taken while the
 * network-quiet window runs, and kept only if no request started or ended and nothing in the
 * DOM changed since (else it is taken again). That overlaps the window's idle time with the
 * screenshot's work instead of adding it.
 */
async function settledScreenshot(settling: Settling): Promise<Shot> {
  const { page, request, network, log, signal, determinism } = settling;
  const { clock } = determinism;
  let media: MediaSettled | undefined;
  const shoot = async (): Promise<{ shot: Shot; started: number; ms: number }> => {
    if (request.determinism.freezeTime) media = await settleMedia(page);
    if (request.suppressAnimations) await finalizeAnimations(page);
    const started = performance.now();
    const shot = await screenshot(page, request);
    return { shot, started, ms: elapsedMs(started) };
  };
  let early: Promise<Awaited<ReturnType<typeof shoot>> | undefined> | undefined;
  if (request.waitMs === 0 && network.inflight === 0 && (await assetsLoaded(page))) {
    early = watchForChanges(page)
      .then(shoot)
      .catch(() => undefined);
  }
  await waitForReadiness(page, network, log, signal);
  // Late responses may have scheduled timers: a frozen clock runs again for them (and the
  // screenshot taken meanwhile is taken again).
  let clockRanAgain = false;
  for (
    let round = 0;
    clock?.networkActiveSinceRun && round < pageClockSteps.lateNetworkRounds;
    round++
  ) {
    await runClock(clock, pageClockSteps.afterLateNetworkMs, 'after late network activity', log);
    await waitForReadiness(page, network, log, signal);
    clockRanAgain = true;
  }

  let taken = early && (await early);
  if (clockRanAgain) taken = undefined;
  if (taken && (network.lastActivity > taken.started || (await changedSinceWatch(page)))) {
    log.info('screenshot', 'the page changed while it settled; taking the screenshot again');
    taken = undefined;
  }
  const whileSettling = taken !== undefined;
  if (!taken) {
    if (request.waitMs > 0) {
      // A frozen clock runs as long as the wait: what the page does in that time happens.
      await log.timed('wait', `waited ${request.waitMs} ms`, async () => {
        await Promise.all([sleep(request.waitMs, signal), clock?.run(request.waitMs)]);
      });
    }
    taken = await shoot();
  }
  const { shot, ms } = taken;
  log.info(
    'screenshot',
    `${describeCapture(request)} ${shot.width}x${shot.height}, ${Math.round(shot.png.length / 1024)} KiB` +
      (whileSettling ? ' (taken while the page settled)' : ''),
    ms,
  );
  if (shot.layout) {
    log.info(
      'layout',
      `layout snapshot of ${shot.layout.elements.length} element(s)`,
      shot.layoutMs,
    );
  } else if (shot.layoutError) {
    log.warn('layout', `no layout snapshot (changes cannot be explained): ${shot.layoutError}`);
  }
  if (clock || media) {
    const parts: string[] = [];
    if (clock) parts.push(`page clock ran ${clock.ranMs} ms in all (page time ${clock.pageNow})`);
    if (determinism.images) {
      parts.push(`${determinism.images.frozen} animated image(s) shown at their first frame`);
    }
    if (media) {
      parts.push(
        `${media.svgs} SVG(s) paused at 0, ${media.media} video/audio paused at their first frame` +
          (media.pending > 0 ? ` (${media.pending} still loading it)` : ''),
      );
    }
    log.info('determinism', parts.join('; '));
  }
  return shot;
}

/**
 * A browser can die between two captures before its 'disconnected' event reaches the pool;
 * a context that cannot open in a dead browser is retried once in a relaunched one.
 */
async function openContext(
  pool: BrowserPool,
  request: CaptureRequest,
  url: string,
  signal: AbortSignal,
): Promise<CaptureContext> {
  const spec: ContextSpec = { viewport: request.viewport };
  if (request.basicAuth) {
    // Scoped to the captured origin: the credentials are never offered to third parties.
    spec.httpCredentials = { ...request.basicAuth, origin: new URL(url).origin };
  }
  for (let attempt = 1; ; attempt++) {
    const opening = pool.openContext(request.browser, spec);
    try {
      return await untilAborted(opening, signal);
    } catch (error) {
      if (signal.aborted) {
        void opening.then((opened) => opened.page.close()).catch(() => undefined);
        throw error;
      }
      // A browser that died while the context opened (a transient failure, or the driver's own
      // error) is relaunched for one more try; any other failure is final.
      if (error instanceof CaptureError && error.kind !== 'transient') throw error;
      const relaunched = await pool.launched(request.browser).catch(() => undefined);
      if (attempt >= 2 || !relaunched) throw toCaptureError(error, signal);
    }
  }
}

async function presetCookies(
  page: CapturePage,
  request: CaptureRequest,
  url: string,
): Promise<void> {
  const { cookies } = request.cookieBanner;
  if (cookies.length === 0) return;
  const host = new URL(url).hostname;
  await page.addCookies(
    cookies.map((cookie) => ({
      name: cookie.name,
      value: cookie.value,
      domain: cookie.domain ?? host,
      path: cookie.path ?? '/',
    })),
  );
}

async function navigate(
  page: CapturePage,
  url: string,
  timeout: number,
  log: CaptureLog,
): Promise<{ status: number; finalUrl: string }> {
  const started = performance.now();
  let response;
  try {
    response = await page.goto(url, timeout);
  } catch (error) {
    if (isTransientFailure(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof Error && error.name === 'TimeoutError') {
      throw new CaptureError(
        'navigation',
        `navigation to ${url} timed out after ${timeout / 1000} s without an answer`,
        { step: 'navigate', cause: error },
      );
    }
    const netError = /net::ERR_[A-Z_]+/.exec(message)?.[0];
    if (netError === 'net::ERR_INVALID_AUTH_CREDENTIALS') {
      // Chromium cancels the 401 challenge itself when it has no (or wrong) credentials.
      throw new CaptureError('navigation', unauthorized(url), {
        step: 'navigate',
        httpStatus: 401,
        cause: error,
      });
    }
    const kind = netError && transientNetworkErrors.includes(netError) ? 'transient' : 'navigation';
    throw new CaptureError(
      kind,
      `navigation to ${url} failed: ${netError ?? shortMessage(error)}`,
      { step: 'navigate', cause: error },
    );
  }
  const status = response?.status ?? 0;
  if (status === 401) {
    // Firefox shows the 401 answer once its challenge is cancelled (firefox-page.ts).
    throw new CaptureError('navigation', unauthorized(url), { step: 'navigate', httpStatus: 401 });
  }
  if (status >= 400) {
    const statusText = response?.statusText;
    throw new CaptureError(
      'navigation',
      `navigation to ${url} answered HTTP ${status}${statusText ? ` ${statusText}` : ''}`,
      { step: 'navigate', httpStatus: status },
    );
  }
  try {
    await page.waitForLoad(captureDefaults.loadTimeoutMs);
  } catch (error) {
    if (isTransientFailure(error) || page.isClosed()) throw error;
    log.warn(
      'navigate',
      `load event did not fire within ${captureDefaults.loadTimeoutMs} ms; capturing anyway`,
    );
  }
  const finalUrl = page.url();
  log.info(
    'navigate',
    `${url} answered HTTP ${status}${finalUrl === url ? '' : ` (now at ${finalUrl})`}`,
    elapsedMs(started),
  );
  return { status, finalUrl };
}

/** A screenshot and the layout snapshot taken with it (same page state, same moment). */
interface Shot extends FullPageShot {
  layout?: LayoutSnapshot;
  layoutMs?: number;
  /** Why there is no layout snapshot, when taking it failed. */
  layoutError?: string;
}

/** What the request's capture scope asks for: the full page, the viewport or one element. */
async function screenshot(page: CapturePage, request: CaptureRequest): Promise<Shot> {
  const capture = request.capture ?? { scope: 'fullPage' };
  const scale = request.viewport.deviceScaleFactor ?? 1;
  const region =
    capture.scope === 'element'
      ? await selectorStep(`capture selector "${capture.selector}"`, () =>
          elementRegion(page, capture.selector),
        )
      : capture.scope === 'viewport'
        ? await viewportRegion(page)
        : undefined;
  const shot: Shot = region
    ? await page.regionScreenshot(region, scale, capture.scope === 'element')
    : await page.fullPageScreenshot(scale);
  // Right after the pixels: nothing runs in between that could move the layout (a frozen page
  // clock stands still; a live one would move both anyway).
  const started = performance.now();
  try {
    const layout = await page.layoutSnapshot();
    if (layout) {
      shot.layout = layout;
      shot.layoutMs = elapsedMs(started);
    }
  } catch (error) {
    if (isTransientFailure(error)) throw error;
    shot.layoutError = shortMessage(error);
  }
  return shot;
}

function describeCapture(request: CaptureRequest): string {
  const capture = request.capture ?? { scope: 'fullPage' };
  switch (capture.scope) {
    case 'fullPage':
      return 'full page';
    case 'viewport':
      return 'viewport';
    case 'element':
      return `element "${capture.selector}"`;
  }
}

/** The font families the page rendered with; a failure to ask is logged, never fatal. */
async function renderedFonts(page: CapturePage, log: CaptureLog): Promise<string[]> {
  const started = performance.now();
  try {
    const fonts = await page.renderedFonts();
    log.info(
      'environment',
      `rendered with fonts: ${fonts.join(', ') || 'none'}`,
      elapsedMs(started),
    );
    return fonts;
  } catch (error) {
    if (isTransientFailure(error)) throw error;
    log.warn(
      'environment',
      `could not read the fonts the page rendered with: ${shortMessage(error)}`,
    );
    return [];
  }
}

function scaleRects(rects: Rect[], scale: number): Rect[] {
  if (scale === 1) return rects;
  return rects.map((r) => ({
    x: r.x * scale,
    y: r.y * scale,
    width: r.width * scale,
    height: r.height * scale,
  }));
}

function unauthorized(url: string): string {
  return `navigation to ${url} answered HTTP 401 Unauthorized (basic auth credentials missing or rejected)`;
}

/** Selector lists from the page configuration: a bad one is the user's to fix, like a step. */
async function selectorStep<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isTransientFailure(error)) throw error;
    throw new CaptureError('action', `${what}: ${shortMessage(error)}`, {
      step: what,
      cause: error,
    });
  }
}

/** What the viewport shows now, or nothing when the page cannot say within a few seconds. */
async function failureScreenshot(
  page: CapturePage,
  timeout = captureDefaults.failureScreenshotTimeoutMs,
): Promise<Buffer | undefined> {
  if (page.isClosed()) return undefined;
  return page.viewportScreenshot(timeout).catch(() => undefined);
}

/** The trace of the capture, without the secrets it used (see scrub-trace.ts). */
async function saveTrace(page: CapturePage, request: CaptureRequest): Promise<Buffer> {
  if (!page.tracing) throw new Error(`${page.browserName} has no Playwright tracing`);
  const dir = await mkdtemp(join(tmpdir(), 'scene-trace-'));
  const path = join(dir, 'trace.zip');
  try {
    await page.tracing.stop(path);
    return scrubTrace(await readFile(path), traceSecretsOf(request));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Waits for `work`, but no longer than `ms`. */
async function settleWithin(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** Every failure leaves the engine as a CaptureError; an abort wins over what it caused. */
export function toCaptureError(
  error: unknown,
  signal: AbortSignal,
  page?: Pick<CapturePage, 'browserConnected'>,
): CaptureError {
  if (signal.aborted) {
    if (error instanceof CaptureError && error.kind === 'aborted') return error;
    return new CaptureError('aborted', `capture aborted: ${abortReason(signal)}`, {
      cause: error,
    });
  }
  if (error instanceof CaptureError) return error;
  if (page && !page.browserConnected()) {
    return new CaptureError(
      'transient',
      `the browser crashed or was closed during the capture: ${shortMessage(error)}`,
      { cause: error },
    );
  }
  if (isTransientFailure(error)) {
    return new CaptureError('transient', `capture interrupted: ${shortMessage(error)}`, {
      cause: error,
    });
  }
  return new CaptureError('internal', `capture failed unexpectedly: ${shortMessage(error)}`, {
    cause: error,
  });
}

function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (typeof reason === 'string') return reason;
  if (reason instanceof Error && reason.name !== 'AbortError') return reason.message;
  return 'cancelled';
}
