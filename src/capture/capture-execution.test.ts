import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fixtureBasicAuth,
  fixtureCookieBanner,
  fixtureImageColors,
  fixturePaths,
  startFixtureSite,
  tallPageHeight,
} from '../../test/fixtures/site/fixture-site.ts';
import { BrowserPool } from './browser-pool.ts';
import { captureExecution } from './capture-execution.ts';
import {
  captureFailure,
  captureRequest,
  everyActionType,
  hexToRgb,
  pixelAt,
  useCaptureFixture,
} from './capture-test-helpers.ts';
import type {
  CaptureHooks,
  CaptureLogLine,
  CaptureRequest,
  CaptureResult,
} from './capture.types.ts';

const fixture = useCaptureFixture({ beforeAll, afterAll });

function hooks(onLog?: (line: CaptureLogLine) => void): CaptureHooks {
  const result: CaptureHooks = { signal: new AbortController().signal };
  if (onLog) result.onLog = onLog;
  return result;
}

function capture(path: string, overrides: Partial<CaptureRequest> = {}): Promise<CaptureResult> {
  return captureExecution(
    fixture.pool,
    captureRequest(fixture.site.url + path, overrides),
    hooks(),
  );
}

describe('captureExecution', () => {
  it('captures the animated page byte-identically five times in a row', async () => {
    const hashes = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const result = await capture(fixturePaths.animated);
      hashes.add(result.observed.png.toString('base64'));
    }
    expect(hashes.size).toBe(1);
  });

  it('records status, final URL, size and a log line per pipeline step', async () => {
    const lines: CaptureLogLine[] = [];
    const result = await captureExecution(
      fixture.pool,
      captureRequest(fixture.site.url + fixturePaths.home),
      hooks((line) => lines.push(line)),
    );
    expect(result.observed.httpStatus).toBe(200);
    expect(result.observed.finalUrl).toBe(fixture.site.url + '/');
    expect(result.observed.width).toBe(1280);
    expect(result.observed.png.subarray(1, 4).toString()).toBe('PNG');
    expect(result.log.map((line) => line.step)).toEqual(
      expect.arrayContaining(['context', 'navigate', 'scroll', 'readiness', 'screenshot']),
    );
    expect(lines).toEqual(result.log);
    expect(result.log.every((line) => line.level === 'info')).toBe(true);
  });

  it('captures the whole height of a tall page', async () => {
    const result = await capture(fixturePaths.tall);
    expect(result.observed.height).toBe(tallPageHeight);
    // Nothing on the tall page reacts to scrolling: the scroll-through is skipped.
    expect(result.log.find((line) => line.step === 'scroll')?.message).toMatch(/^not scrolled/);
    expect(await pixelAt(result.observed.png, 10, tallPageHeight - 5)).toEqual(hexToRgb('#dc2626'));
  });

  it('fails a 500 page with the status named', async () => {
    const failure = await captureFailure(capture(fixturePaths.serverError));
    expect(failure.kind).toBe('navigation');
    expect(failure.httpStatus).toBe(500);
    expect(failure.message).toBe(
      `navigation to ${fixture.site.url}${fixturePaths.serverError} answered HTTP 500 Internal Server Error`,
    );
    expect(failure.log.at(-1)?.level).toBe('error');
  });

  it('fails a 404 page and an unreachable host as navigation failures', async () => {
    const notFound = await captureFailure(capture(fixturePaths.notFound));
    expect(notFound.kind).toBe('navigation');
    expect(notFound.httpStatus).toBe(404);

    const closedSite = await startFixtureSite();
    await closedSite.close();
    const refused = await captureFailure(
      captureExecution(fixture.pool, captureRequest(closedSite.url + '/'), hooks()),
    );
    expect(refused.kind).toBe('navigation');
    expect(refused.message).toContain('net::ERR_CONNECTION_REFUSED');
  });

  it('fails a failing action step with the step named', async () => {
    const failure = await captureFailure(
      capture(fixturePaths.menu, {
        taskActions: [
          { type: 'click', selector: '#menu-button' },
          { type: 'click', selector: '#missing', ms: 500 },
        ],
      }),
    );
    expect(failure.kind).toBe('action');
    expect(failure.step).toBe('task step 2 (click "#missing")');
    expect(failure.message).toBe(
      'task step 2 (click "#missing") failed: no element matches "#missing" after 500 ms',
    );
    expect(failure.log.some((line) => line.message === 'task step 1 (click "#menu-button")')).toBe(
      true,
    );
  });

  it('fails a throwing script, run in the page, as an action failure', async () => {
    const failure = await captureFailure(
      capture(fixturePaths.home, {
        pageScript: "throw new Error('boom in ' + location.pathname);",
      }),
    );
    expect(failure.kind).toBe('action');
    expect(failure.message).toContain('page script failed');
    expect(failure.message).toContain('boom in /');
  });

  it('signs in with basic auth, and fails with 401 without credentials', async () => {
    const signedIn = await capture(fixturePaths.auth, { basicAuth: { ...fixtureBasicAuth } });
    expect(signedIn.observed.httpStatus).toBe(200);

    const failure = await captureFailure(capture(fixturePaths.auth));
    expect(failure.kind).toBe('navigation');
    expect(failure.httpStatus).toBe(401);
    expect(failure.message).toContain('answered HTTP 401');
  });

  it('removes the cookie banner by selector, or suppresses it with a preset cookie', async () => {
    const bannerY = 800 - 60;
    const bannerColor = hexToRgb('#111827');
    const withBanner = await capture(fixturePaths.cookieBanner);
    expect(await pixelAt(withBanner.observed.png, 10, bannerY)).toEqual(bannerColor);

    const removed = await capture(fixturePaths.cookieBanner, {
      cookieBanner: { removeSelectors: [fixtureCookieBanner.selector], cookies: [] },
    });
    expect(await pixelAt(removed.observed.png, 10, bannerY)).not.toEqual(bannerColor);

    const consented = await capture(fixturePaths.cookieBanner, {
      cookieBanner: { removeSelectors: [], cookies: [{ ...fixtureCookieBanner.consentCookie }] },
    });
    expect(consented.observed.png.equals(removed.observed.png)).toBe(true);
  });

  it('loads lazy images (native and scroll-triggered) before the screenshot', async () => {
    const result = await capture(fixturePaths.lazy, {
      maskSelectors: ['#lazy-image', '#js-lazy-image'],
    });
    expect(result.log.find((line) => line.step === 'scroll')?.message).toMatch(
      /^scrolled \d+ step\(s\) through \d+ px; 1 lazy image\(s\)\/iframe\(s\) forced$/,
    );
    const [nativeRect, scriptedRect] = result.maskRects;
    expect(nativeRect).toMatchObject({ width: 400, height: 300 });
    expect(scriptedRect).toMatchObject({ width: 400, height: 300 });
    const centre = (rect: typeof nativeRect) =>
      [(rect?.x ?? 0) + 200, (rect?.y ?? 0) + 150] as const;
    expect(await pixelAt(result.observed.png, ...centre(nativeRect))).toEqual(
      fixtureImageColors.lazy,
    );
    expect(await pixelAt(result.observed.png, ...centre(scriptedRect))).toEqual(
      fixtureImageColors.jsLazy,
    );
  });

  it('waits for content fetched after load (network quiet)', async () => {
    const result = await capture(fixturePaths.lateContent, { maskSelectors: ['#late'] });
    const [late] = result.maskRects;
    expect(late).toBeDefined();
    expect(await pixelAt(result.observed.png, (late?.x ?? 0) + 390, (late?.y ?? 0) + 5)).toEqual(
      hexToRgb('#bbf7d0'),
    );
  });

  it('takes the screenshot while the network settles, and again when the page changed meanwhile', async () => {
    const settled = await capture(fixturePaths.home);
    expect(settled.log.find((line) => line.step === 'screenshot')?.message).toMatch(
      /taken while the page settled/,
    );

    const result = await capture(fixturePaths.timerContent, { maskSelectors: ['#timed'] });
    const [timed] = result.maskRects;
    expect(timed).toBeDefined();
    // taken early, the screenshot predates the timer and is taken again (or, on a slow
    // machine, it was taken after the timer): either way it shows the change
    expect(await pixelAt(result.observed.png, (timed?.x ?? 0) + 390, (timed?.y ?? 0) + 5)).toEqual(
      hexToRgb('#bbf7d0'),
    );
  });

  it('changes the screenshot with actions (menu opened, form filled)', async () => {
    const closed = await capture(fixturePaths.menu, { maskSelectors: ['#menu-button'] });
    const opened = await capture(fixturePaths.menu, {
      taskActions: [{ type: 'click', selector: '#menu-button' }],
      maskSelectors: ['#menu'],
    });
    expect(opened.observed.png.equals(closed.observed.png)).toBe(false);
    const [menu] = opened.maskRects;
    expect(await pixelAt(opened.observed.png, (menu?.x ?? 0) + 5, (menu?.y ?? 0) + 5)).toEqual(
      hexToRgb('#1e40af'),
    );
  });

  it('runs every declarative action type in the page, logging each step', async () => {
    const lines: CaptureLogLine[] = [];
    const request = captureRequest(fixture.site.url + fixturePaths.menu, {
      ...everyActionType,
    });
    const result = await captureExecution(
      fixture.pool,
      request,
      hooks((line) => lines.push(line)),
    );
    const steps = result.log.filter((line) => line.step === 'action' || line.step === 'script');
    expect(steps.map((line) => line.message)).toEqual([
      'page step 1 (setLocalStorage note)',
      'page step 2 (setCookie seen)',
      'page step 3 (waitForSelector "#menu-button")',
      'page step 4 (hover "#menu-button")',
      'task step 1 (type "#name" (3 characters))',
      'task step 2 (press "#name" End)',
      'task step 3 (select "#size" "l")',
      'task step 4 (check "#agree")',
      'task step 5 (click "#submit")',
      'task step 6 (scroll to "#result")',
      'task step 7 (scroll to bottom)',
      'task step 8 (waitForTimeout 10 ms)',
      'task step 9 (waitForNetworkIdle)',
      'task step 10 (hide "header")',
      'task step 11 (remove "#menu")',
      'task step 12 (evaluate)',
      'task script',
    ]);
    expect(steps.every((line) => typeof line.durationMs === 'number')).toBe(true);
  });

  it('waits for a waitForFunction condition, running a frozen page clock meanwhile', async () => {
    // The page becomes ready 3 s of page time after the step starts: only the frozen clock's
    // running makes that happen (Storybook's loaders and renders are such timers).
    const ready = await capture(fixturePaths.home, {
      pageActions: [
        {
          type: 'evaluate',
          script: `setTimeout(() => { document.body.dataset.ready = 'yes'; }, 3000);`,
        },
        { type: 'waitForFunction', script: "document.body.dataset.ready === 'yes'" },
      ],
    });
    expect(ready.log.map((line) => line.message)).toContain('page step 2 (waitForFunction)');

    const thrown = await captureFailure(
      capture(fixturePaths.home, {
        pageActions: [
          { type: 'waitForFunction', script: "(() => { throw new Error('story errored'); })()" },
        ],
      }),
    );
    expect(thrown.kind).toBe('action');
    expect(thrown.message).toMatch(/page step 1 \(waitForFunction\) failed: .*story errored/);

    const never = await captureFailure(
      capture(fixturePaths.home, {
        pageActions: [{ type: 'waitForFunction', script: 'false', ms: 300 }],
      }),
    );
    expect(never.kind).toBe('action');
    expect(never.message).toBe(
      'page step 1 (waitForFunction) failed: the condition was not met within 300 ms',
    );
  });

  it('hides, removes and masks configured selectors', async () => {
    const plain = await capture(fixturePaths.home, { maskSelectors: ['#ad-slot'] });
    expect(plain.maskRects).toEqual([
      { x: 24, y: expect.any(Number) as number, width: 240, height: 120 },
    ]);
    const [ad] = plain.maskRects;
    const adPixel = [(ad?.x ?? 0) + 5, (ad?.y ?? 0) + 5] as const;
    expect(await pixelAt(plain.observed.png, ...adPixel)).toEqual(hexToRgb('#7c3aed'));

    const hidden = await capture(fixturePaths.home, { hideSelectors: ['#ad-slot'] });
    expect(await pixelAt(hidden.observed.png, ...adPixel)).toEqual([255, 255, 255]);

    const removed = await capture(fixturePaths.home, {
      removeSelectors: ['#intro'],
      maskSelectors: ['#ad-slot'],
    });
    expect(removed.maskRects[0]?.y).toBe((ad?.y ?? 0) - 136);

    const invalid = await captureFailure(capture(fixturePaths.home, { hideSelectors: ['##'] }));
    expect(invalid.kind).toBe('action');
    expect(invalid.message).toContain('invalid CSS selector "##"');
  });

  it('isolates captures: nothing leaks from one context to the next, viewports follow the request', async () => {
    await capture(fixturePaths.menu, {
      taskActions: [
        { type: 'setLocalStorage', value: 'leak=yes' },
        { type: 'setCookie', value: 'leak=yes' },
      ],
    });
    const next = await capture(fixturePaths.menu, {
      viewport: { width: 800, height: 600 },
      taskScript: `
        if (localStorage.getItem('leak') !== null) throw new Error('local storage leaked');
        if (document.cookie.includes('leak')) throw new Error('cookie leaked');
        if (innerWidth !== 800 || innerHeight !== 600) throw new Error('viewport ' + innerWidth + 'x' + innerHeight);`,
    });
    expect(next.observed.width).toBe(800);
  });

  it('captures the reference URL with the same pipeline', async () => {
    const result = await capture(fixturePaths.home, {
      referenceUrl: fixture.site.url + fixturePaths.about,
    });
    expect(result.reference?.httpStatus).toBe(200);
    expect(result.reference?.finalUrl).toBe(fixture.site.url + fixturePaths.about);
    expect(result.reference?.png.equals(result.observed.png)).toBe(false);
    expect(result.log.some((line) => line.message.startsWith('reference: '))).toBe(true);
  });

  it('produces a Playwright trace zip when asked', async () => {
    const result = await capture(fixturePaths.home, { trace: true });
    expect(result.trace?.subarray(0, 2).toString()).toBe('PK');
    const failure = await captureFailure(
      capture(fixturePaths.menu, {
        trace: true,
        taskActions: [{ type: 'click', selector: '#missing', ms: 300 }],
      }),
    );
    expect(failure.trace?.subarray(0, 2).toString()).toBe('PK');
  });
});

describe('cancellation', () => {
  // Without spare contexts, every context left open in the browser would be a leak.
  let abortPool: BrowserPool;
  beforeAll(() => {
    abortPool = new BrowserPool({ spareContexts: 0 });
  });
  afterAll(async () => {
    await abortPool.close();
  });

  it('rejects with aborted when cancelled mid-navigation on a hung page', async () => {
    const controller = new AbortController();
    const capturing = captureExecution(
      abortPool,
      captureRequest(fixture.site.url + fixturePaths.hung),
      {
        signal: controller.signal,
        onLog: (line) => {
          if (line.step === 'context') setTimeout(() => controller.abort('user'), 200);
        },
      },
    );
    const failure = await captureFailure(capturing);
    expect(failure.kind).toBe('aborted');
    expect(failure.message).toBe('capture aborted: user');
  });

  it('rejects with aborted when cancelled during the extra wait, and when already aborted', async () => {
    const controller = new AbortController();
    const capturing = captureExecution(
      abortPool,
      captureRequest(fixture.site.url + fixturePaths.home, { waitMs: 60_000 }),
      {
        signal: controller.signal,
        onLog: (line) => {
          if (line.step === 'readiness') controller.abort();
        },
      },
    );
    expect((await captureFailure(capturing)).kind).toBe('aborted');

    const already = await captureFailure(
      captureExecution(abortPool, captureRequest(fixture.site.url), {
        signal: AbortSignal.abort(),
      }),
    );
    expect(already.kind).toBe('aborted');
  });

  it('still captures after aborted captures (contexts were closed, browser intact)', async () => {
    const browser = await abortPool.acquire('chromium');
    expect(browser.contexts()).toHaveLength(0);
    const result = await captureExecution(
      abortPool,
      captureRequest(fixture.site.url + fixturePaths.about),
      hooks(),
    );
    expect(result.observed.httpStatus).toBe(200);
  });
});

describe('browser availability', () => {
  it('reports a missing Chromium as browser-unavailable with the install hint', async () => {
    const missing = new BrowserPool({ chromiumPath: '/nonexistent/chromium' });
    const failure = await captureFailure(
      captureExecution(missing, captureRequest(fixture.site.url), hooks()),
    );
    expect(failure.kind).toBe('browser-unavailable');
    expect(failure.message).toContain('/nonexistent/chromium');
    expect(failure.message).toContain('apt-get install -y chromium');
    expect(failure.message).toContain('SCENE_CHROMIUM_PATH');
    await missing.close();
  });

  it('reports unknown browsers, and WebKit (no driver here), as browser-unavailable', async () => {
    const unknown = await captureFailure(capture(fixturePaths.home, { browser: 'netscape' }));
    expect(unknown.kind).toBe('browser-unavailable');
    expect(unknown.message).toContain("unknown browser 'netscape'");

    // Firefox captures (firefox-capture.test.ts); WebKit cannot be driven here.
    const webkit = await captureFailure(capture(fixturePaths.home, { browser: 'webkit' }));
    expect(webkit.kind).toBe('browser-unavailable');
    expect(webkit.message).toMatch(/^webkit is not available on this machine: /);
  });

  it('turns a killed browser into a transient failure, then relaunches it', async () => {
    const crashPool = new BrowserPool();
    try {
      const browser = await crashPool.acquire('chromium');
      const cdp = await browser.newBrowserCDPSession();
      const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
      const browserPid = processInfo.find((info) => info.type === 'browser')?.id;
      if (!browserPid || browserPid === process.pid) throw new Error('no browser process found');

      const failure = await captureFailure(
        captureExecution(crashPool, captureRequest(fixture.site.url + fixturePaths.slow), {
          signal: new AbortController().signal,
          onLog: (line) => {
            if (line.step === 'context') process.kill(browserPid, 'SIGKILL');
          },
        }),
      );
      expect(failure.kind).toBe('transient');

      const result = await captureExecution(
        crashPool,
        captureRequest(fixture.site.url + fixturePaths.about),
        hooks(),
      );
      expect(result.observed.httpStatus).toBe(200);
      const relaunched = await crashPool.acquire('chromium');
      expect(relaunched).not.toBe(browser);
      expect(relaunched.isConnected()).toBe(true);
    } finally {
      await crashPool.close();
    }
  });
});
