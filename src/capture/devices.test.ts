import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceReports, fixturePaths } from '../../test/fixtures/site/fixture-site.ts';
import { viewportPresets } from '../settings/viewport-presets.ts';
import { captureExecution } from './capture-execution.ts';
import { captureRequest, useCaptureFixture } from './capture-test-helpers.ts';
import type { CaptureRequest, CaptureResult } from './capture.types.ts';

// Issue 18: viewports emulate devices (pixel ratio, mobile mode, touch, user agent), and the
// page sees it; the screenshot is the CSS size times the pixel ratio.

const fixture = useCaptureFixture({ beforeAll, afterAll });

async function captureDevice(
  viewport: CaptureRequest['viewport'],
  overrides: Partial<CaptureRequest> = {},
): Promise<{ result: CaptureResult; report: Record<string, string> }> {
  fixture.site.clearRequests();
  const result = await captureExecution(
    fixture.pool,
    captureRequest(fixture.site.url + fixturePaths.device, { viewport, ...overrides }),
    { signal: new AbortController().signal },
  );
  const reports = deviceReports(fixture.site);
  expect(reports.length).toBeGreaterThan(0);
  return { result, report: reports.at(-1) ?? {} };
}

describe('device viewports (chromium)', () => {
  it('a DPR 2 viewport yields a screenshot exactly twice the CSS size; masks are in image pixels', async () => {
    const plain = await captureDevice({ width: 400, height: 300 });
    expect(plain.result.observed).toMatchObject({ width: 400, height: 300 });
    expect(plain.report['devicePixelRatio']).toBe('1');

    const { result, report } = await captureDevice(
      { width: 400, height: 300, deviceScaleFactor: 2 },
      { maskSelectors: ['#device'] },
    );
    expect(result.observed).toMatchObject({ width: 800, height: 600 });
    expect(result.observed.png.readUInt32BE(16)).toBe(800);
    expect(result.observed.png.readUInt32BE(20)).toBe(600);
    expect(report['devicePixelRatio']).toBe('2');
    expect(result.environment.deviceScaleFactor).toBe(2);
    // #device is the whole 400 px wide body: its mask covers the whole 800 px wide image.
    expect(result.maskRects[0]).toMatchObject({ x: 0, y: 0, width: 800 });
  });

  it('DPR 3 triples it', async () => {
    const { result, report } = await captureDevice({
      width: 360,
      height: 300,
      deviceScaleFactor: 3,
    });
    expect(result.observed).toMatchObject({ width: 1080, height: 900 });
    expect(report['devicePixelRatio']).toBe('3');
  });

  it('a mobile preset: the page sees the user agent (header and navigator), touch and mobile mode', async () => {
    const pixel = viewportPresets.find((v) => v.name.startsWith('Pixel'));
    if (!pixel?.userAgent) throw new Error('a Pixel preset with a user agent');
    const { result, report } = await captureDevice(pixel);
    expect(report['userAgent']).toBe(pixel.userAgent);
    expect(report['uaHeader']).toBe(pixel.userAgent);
    expect(report['maxTouchPoints']).not.toBe('0');
    expect(report['coarsePointer']).toBe('true');
    expect(report['mobile']).toBe('true');
    expect(report['innerWidth']).toBe(String(pixel.width));
    expect(result.observed.width).toBe(pixel.width * (pixel.deviceScaleFactor ?? 1));
    expect(result.environment.flags).toMatchObject({ isMobile: true, hasTouch: true });
  });

  it('a desktop viewport after a mobile one gets no touch or mobile user agent (spares are per device)', async () => {
    const { report } = await captureDevice({ width: 400, height: 300 });
    expect(report['maxTouchPoints']).toBe('0');
    expect(report['coarsePointer']).toBe('false');
    expect(report['userAgent']).not.toMatch(/Mobile/);
  });

  it('records the environment: browser version, OS, rendered fonts, font set digest', async () => {
    const { result } = await captureDevice({ width: 400, height: 300 });
    const env = result.environment;
    expect(env.browser).toBe('chromium');
    expect(env.browserVersion).toMatch(/^\d+\.\d+/);
    expect(env.os.length).toBeGreaterThan(0);
    expect(env.fonts.length).toBeGreaterThan(0);
    expect(env.fontsDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(env.sceneVersion).toMatch(/^\d+\.\d+\.\d+/);
  });
});
