import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deviceReports,
  fixtureBasicAuth,
  fixturePaths,
} from '../../test/fixtures/site/fixture-site.ts';
import { explainChanges } from '../diff/explain/explain-changes.ts';
import type { LayoutElement, LayoutSnapshot } from '../shared/layout-snapshot.ts';
import { runActions } from './actions.ts';
import { CaptureLog } from './capture-log.ts';
import { captureExecution } from './capture-execution.ts';
import { NetworkTracker } from './network-tracker.ts';
import {
  captureFailure,
  captureRequest,
  everyActionType,
  hexToRgb,
  pixelAt,
  useCaptureFixture,
} from './capture-test-helpers.ts';
import type { CaptureRequest, CaptureResult } from './capture.types.ts';
import { FirefoxBrowser } from './firefox-browser.ts';
import { clockScriptSource } from './firefox-clock.ts';

// Issue 18: the same capture pipeline in Firefox (Debian's firefox-esr over WebDriver BiDi) as
// in Chromium — basic auth, actions, masks, a failing step, determinism, cancel and crash —
// each checked against what Chromium does with the same request. One pool (one Firefox, one
// Chromium) for the file.

const fixture = useCaptureFixture(
  { beforeAll, afterAll },
  { watchEscapes: true, launch: 'firefox' },
);

function capture(
  browser: 'chromium' | 'firefox',
  path: string,
  overrides: Partial<CaptureRequest> = {},
  signal = new AbortController().signal,
): Promise<CaptureResult> {
  return captureExecution(
    fixture.pool,
    captureRequest(fixture.site.url + path, { browser, ...overrides }),
    {
      signal,
    },
  );
}

describe('captures in Firefox', () => {
  it("reads the frozen clock's script from playwright-core", () => {
    expect(clockScriptSource()).toContain('function inject(');
  });

  it('captures the animated page byte-identically five times in a row', async () => {
    const images = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const result = await capture('firefox', fixturePaths.animated);
      images.add(result.observed.png.toString('base64'));
    }
    expect(images.size).toBe(1);
  }, 120_000);

  it('records the environment and writes what Firefox does differently to the log', async () => {
    const result = await capture('firefox', fixturePaths.home);
    expect(result.observed).toMatchObject({ httpStatus: 200, width: 1280, height: 800 });
    expect(result.environment).toMatchObject({ browser: 'firefox', deviceScaleFactor: 1 });
    expect(result.environment.browserVersion).toMatch(/^\d+\.\d+/);
    expect(result.environment.fonts.length).toBeGreaterThan(0);
    const browserLines = result.log.filter((line) => line.step === 'browser');
    expect(browserLines[0]).toMatchObject({ level: 'warn' });
    expect(browserLines[0]?.message).toMatch(/animated images always show their first frame/);
    expect(result.log.map((line) => line.step)).toEqual(
      expect.arrayContaining(['context', 'determinism', 'navigate', 'clock', 'screenshot']),
    );
  }, 60_000);

  it('signs in with basic auth (for the captured origin only), and fails with 401 without', async () => {
    const signedIn = await capture('firefox', fixturePaths.auth, {
      basicAuth: { ...fixtureBasicAuth },
    });
    expect(signedIn.observed.httpStatus).toBe(200);
    for (const request of [{}, { basicAuth: { username: 'someone', password: 'wrong' } }]) {
      const [firefox, chromium] = await Promise.all([
        captureFailure(capture('firefox', fixturePaths.auth, request)),
        captureFailure(capture('chromium', fixturePaths.auth, request)),
      ]);
      expect(firefox).toMatchObject({ kind: 'navigation', httpStatus: 401 });
      expect(firefox.message).toBe(chromium.message);
    }
  }, 90_000);

  it('runs every declarative action type, logging the same steps as Chromium', async () => {
    const request: Partial<CaptureRequest> = everyActionType;
    const steps = (result: CaptureResult): string[] =>
      result.log
        .filter((line) => line.step === 'action' || line.step === 'script')
        .map((line) => line.message);
    const [firefox, chromium] = await Promise.all([
      capture('firefox', fixturePaths.menu, request),
      capture('chromium', fixturePaths.menu, request),
    ]);
    expect(steps(firefox)).toHaveLength(17);
    expect(steps(firefox)).toEqual(steps(chromium));

    // A click changes the page as it does in Chromium: the menu opens.
    const opened = await capture('firefox', fixturePaths.menu, {
      taskActions: [{ type: 'click', selector: '#menu-button' }],
      maskSelectors: ['#menu'],
    });
    const [menu] = opened.maskRects;
    expect(await pixelAt(opened.observed.png, (menu?.x ?? 0) + 5, (menu?.y ?? 0) + 5)).toEqual(
      hexToRgb('#1e40af'),
    );
  }, 120_000);

  it('fails a failing step as Chromium does: kind, step, message, evidence screenshot', async () => {
    const request: Partial<CaptureRequest> = {
      taskActions: [
        { type: 'click', selector: '#menu-button' },
        { type: 'click', selector: '#missing', ms: 500 },
      ],
    };
    const [firefox, chromium] = await Promise.all([
      captureFailure(capture('firefox', fixturePaths.menu, request)),
      captureFailure(capture('chromium', fixturePaths.menu, request)),
    ]);
    expect(firefox).toMatchObject({ kind: 'action', step: 'task step 2 (click "#missing")' });
    expect(firefox.message).toBe(chromium.message);
    expect(firefox.screenshot?.subarray(1, 4).toString()).toBe('PNG');
    expect(firefox.log.at(-1)?.level).toBe('error');
  }, 90_000);

  it('hides, removes and masks the same rectangles as Chromium', async () => {
    const request: Partial<CaptureRequest> = {
      removeSelectors: ['#intro'],
      maskSelectors: ['#ad-slot'],
    };
    const [firefox, chromium] = await Promise.all([
      capture('firefox', fixturePaths.home, request),
      capture('chromium', fixturePaths.home, request),
    ]);
    expect(firefox.maskRects).toEqual(chromium.maskRects);
    const [ad] = firefox.maskRects;
    expect(await pixelAt(firefox.observed.png, (ad?.x ?? 0) + 5, (ad?.y ?? 0) + 5)).toEqual(
      hexToRgb('#7c3aed'),
    );
    const hidden = await capture('firefox', fixturePaths.home, {
      ...request,
      hideSelectors: ['#ad-slot'],
    });
    expect(await pixelAt(hidden.observed.png, (ad?.x ?? 0) + 5, (ad?.y ?? 0) + 5)).toEqual([
      255, 255, 255,
    ]);
  }, 90_000);

  it('takes a layout snapshot in the format Chromium gives, which explains a change', async () => {
    const [firefox, chromium] = await Promise.all([
      capture('firefox', fixturePaths.home),
      capture('chromium', fixturePaths.home),
    ]);
    const ours = firefox.observed.layout;
    const theirs = chromium.observed.layout;
    expect(ours?.elements.length).toBeGreaterThan(0);
    expect(firefox.log.some((line) => /^layout snapshot of \d+ element/.test(line.message))).toBe(
      true,
    );
    // The same elements, named the same, with the same text and parents.
    const outline = (snapshot: LayoutSnapshot | undefined): unknown[] =>
      (snapshot?.elements ?? []).map(({ selector, tag, parent, text }) => ({
        selector,
        tag,
        parent,
        text,
      }));
    expect(outline(ours)).toEqual(outline(theirs));
    const ad = (snapshot: LayoutSnapshot | undefined): LayoutElement | undefined =>
      snapshot?.elements.find((element) => element.selector === '#ad-slot');
    expect(ad(ours)?.rect).toEqual(ad(theirs)?.rect);
    expect(ad(ours)?.styles).toEqual(ad(theirs)?.styles);

    fixture.site.setVariant('changed');
    try {
      const changed = await capture('firefox', fixturePaths.home);
      const changes = explainChanges(
        ours as LayoutSnapshot,
        changed.observed.layout as LayoutSnapshot,
      );
      // The title's text changed; the promotion moved below the features (taken out and put
      // back in), which moved up.
      expect(changes.map((change) => [change.kind, change.selector])).toEqual(
        expect.arrayContaining([
          ['text', '#title'],
          ['added', '#promo'],
          ['moved', '#features'],
        ]),
      );
    } finally {
      fixture.site.setVariant('original');
    }
  }, 90_000);

  it('captures a DPR 2 viewport at twice the CSS size, with the user agent the page sees', async () => {
    fixture.site.clearRequests();
    const result = await capture('firefox', fixturePaths.device, {
      viewport: { width: 400, height: 300, deviceScaleFactor: 2, userAgent: 'SceneTest/1.0' },
    });
    expect(result.observed).toMatchObject({ width: 800, height: 600 });
    const report = deviceReports(fixture.site).at(-1) ?? {};
    expect(report['devicePixelRatio']).toBe('2');
    expect(JSON.stringify(report)).toContain('SceneTest/1.0');
  }, 60_000);

  it('rejects with aborted within 2 s when cancelled on a hung page; nothing escapes', async () => {
    const controller = new AbortController();
    const capturing = capture('firefox', fixturePaths.hung, {}, controller.signal);
    setTimeout(() => controller.abort('user'), 1500);
    const started = performance.now();
    const failure = await captureFailure(capturing);
    expect(failure).toMatchObject({ kind: 'aborted', message: 'capture aborted: user' });
    expect(performance.now() - started).toBeLessThan(1500 + 2000);
    const after = await capture('firefox', fixturePaths.about);
    expect(after.observed.httpStatus).toBe(200);
    expect(fixture.escaped).toEqual([]);
  }, 90_000);

  it('ends a waitForFunction step that never comes true with the abort, not its timeout', async () => {
    // The step polls from Node: it must stop when the execution is aborted, though the page
    // stays open. The condition asks for a page once, when first polled; the abort follows that.
    const abortedWait = async (browser: 'chromium' | 'firefox'): Promise<unknown> => {
      const { page } = await fixture.pool.openContext(browser, {
        viewport: { width: 800, height: 600 },
      });
      try {
        await page.goto(fixture.site.url + fixturePaths.home, 30_000);
        const controller = new AbortController();
        const cancelled = new Error('cancelled by the test');
        page.onRequests({
          started: () => controller.abort(cancelled),
          settled: () => undefined,
        });
        const runner = {
          page,
          network: new NetworkTracker(page),
          log: new CaptureLog(),
          signal: controller.signal,
          stepTimeoutMs: 60_000,
        };
        const waiting = runActions(
          runner,
          [{ type: 'waitForFunction', script: "(window.asked ??= fetch('/about'), false)" }],
          'page',
        );
        const failure = await waiting.then(
          () => 'finished',
          (error: unknown) => error,
        );
        expect(page.isClosed()).toBe(false);
        return failure === cancelled ? 'aborted' : failure;
      } finally {
        await page.close();
      }
    };
    expect(await Promise.all([abortedWait('chromium'), abortedWait('firefox')])).toEqual([
      'aborted',
      'aborted',
    ]);
  }, 90_000);

  it('a Firefox killed mid-capture fails that capture as transient; the next one relaunches it', async () => {
    const firefox = await fixture.pool.launched('firefox');
    expect(firefox).toBeInstanceOf(FirefoxBrowser);
    const pid = (firefox as FirefoxBrowser).pid;
    expect(pid).toBeTypeOf('number');
    const capturing = capture('firefox', fixturePaths.hung);
    setTimeout(() => execFileSync('kill', ['-9', String(pid)]), 1500);
    const failure = await captureFailure(capturing);
    expect(failure.kind, failure.message).toBe('transient');
    // As the run engine does with a transient failure: the next attempt (at most one more, if
    // it met the dying browser before the fixture.pool heard it was gone) captures in a new Firefox.
    const after = await capture('firefox', fixturePaths.about).catch(async (error: unknown) => {
      expect(error).toMatchObject({ kind: 'transient' });
      return capture('firefox', fixturePaths.about);
    });
    expect(after.observed.httpStatus).toBe(200);
    expect((await fixture.pool.launched('firefox')) === firefox).toBe(false);
    expect(fixture.escaped).toEqual([]);
  }, 120_000);
});
