import sharp from 'sharp';
import type { afterAll as AfterAll, beforeAll as BeforeAll } from 'vitest';
import { startFixtureSite, type FixtureSite } from '../../test/fixtures/site/fixture-site.ts';
import { BrowserPool } from './browser-pool.ts';
import { CaptureError } from './capture-error.ts';
import type { CaptureRequest } from './capture.types.ts';
import { defaultDeterminism } from './determinism-defaults.ts';

/** A request with every option off: tests switch on what they exercise. */
export function captureRequest(
  url: string,
  overrides: Partial<CaptureRequest> = {},
): CaptureRequest {
  return {
    url,
    browser: 'chromium',
    viewport: { width: 1280, height: 800 },
    pageActions: [],
    taskActions: [],
    hideSelectors: [],
    removeSelectors: [],
    maskSelectors: [],
    waitMs: 0,
    suppressAnimations: true,
    hideCaret: true,
    cookieBanner: { removeSelectors: [], cookies: [] },
    trace: false,
    determinism: defaultDeterminism(`${url}|${overrides.viewport?.width ?? 1280}`),
    ...overrides,
  };
}

export type Pixel = [number, number, number];

/** RGB of the pixel at (x, y) of a PNG. */
export async function pixelAt(png: Buffer, x: number, y: number): Promise<Pixel> {
  const { data, info } = await sharp(png)
    .extract({ left: x, top: y, width: 1, height: 1 })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || data.length < 3) throw new Error('unexpected pixel format');
  return [data[0] ?? 0, data[1] ?? 0, data[2] ?? 0];
}

/** The rows (y, top to bottom) of column `x` of a PNG whose pixel is exactly `color`. */
export async function rowsOfColor(png: Buffer, x: number, color: Pixel): Promise<number[]> {
  const { data, info } = await sharp(png)
    .extract({ left: x, top: 0, width: 1, height: (await sharp(png).metadata()).height ?? 0 })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const rows: number[] = [];
  for (let y = 0; y < info.height; y++) {
    const i = y * info.channels;
    if (data[i] === color[0] && data[i + 1] === color[1] && data[i + 2] === color[2]) rows.push(y);
  }
  return rows;
}

export function hexToRgb(hex: string): Pixel {
  const value = Number.parseInt(hex.replace('#', ''), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

/** What a capture test file shares: the fixture site, one browser pool, escaped rejections. */
export interface CaptureFixture {
  readonly site: FixtureSite;
  readonly pool: BrowserPool;
  /** Rejections no one handled while the file ran (when `watchEscapes`). */
  readonly escaped: unknown[];
}

/**
 * Starts the fixture site and a browser pool before a test file's tests and closes them after.
 * The file passes its own vitest hooks: this module is also imported by the bench and by the
 * tsx smoke script, where vitest cannot be imported.
 */
export function useCaptureFixture(
  hooks: { beforeAll: typeof BeforeAll; afterAll: typeof AfterAll },
  options: { watchEscapes?: boolean; launch?: 'chromium' | 'firefox' } = {},
): CaptureFixture {
  let site: FixtureSite | undefined;
  let pool: BrowserPool | undefined;
  const escaped: unknown[] = [];
  const onEscaped = (error: unknown): void => {
    escaped.push(error);
  };
  hooks.beforeAll(async () => {
    site = await startFixtureSite();
    pool = new BrowserPool();
    if (options.watchEscapes === true) process.on('unhandledRejection', onEscaped);
    if (options.launch !== undefined) await pool.launched(options.launch);
  }, 120_000);
  hooks.afterAll(async () => {
    process.off('unhandledRejection', onEscaped);
    await pool?.close();
    await site?.close();
  });
  return {
    get site() {
      if (!site) throw new Error('the fixture site starts in beforeAll');
      return site;
    },
    get pool() {
      if (!pool) throw new Error('the browser pool opens in beforeAll');
      return pool;
    },
    escaped,
  };
}

/** The CaptureError a capture fails with (anything else is rethrown). */
export async function captureFailure(promise: Promise<unknown>): Promise<CaptureError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CaptureError) return error;
    throw error;
  }
  throw new Error('expected the capture to fail');
}

/** Every declarative action type on the menu fixture page, checked by its last (evaluate) step. */
export const everyActionType: Pick<CaptureRequest, 'pageActions' | 'taskActions' | 'taskScript'> = {
  pageActions: [
    { type: 'setLocalStorage', value: 'note=hello' },
    { type: 'setCookie', value: 'seen=yes' },
    { type: 'waitForSelector', selector: '#menu-button' },
    { type: 'hover', selector: '#menu-button' },
  ],
  taskActions: [
    { type: 'type', selector: '#name', value: 'Ada' },
    { type: 'press', selector: '#name', value: 'End' },
    { type: 'select', selector: '#size', value: 'l' },
    { type: 'check', selector: '#agree' },
    { type: 'click', selector: '#submit' },
    { type: 'scroll', selector: '#result' },
    { type: 'scroll' },
    { type: 'waitForTimeout', ms: 10 },
    { type: 'waitForNetworkIdle', ms: 5000 },
    { type: 'hide', selector: 'header' },
    { type: 'remove', selector: '#menu' },
    {
      type: 'evaluate',
      script: `
          const text = document.querySelector('#result').textContent;
          if (text !== 'Hello Ada (l, agreed)') throw new Error('unexpected result: ' + text);
          if (localStorage.getItem('note') !== 'hello') throw new Error('no local storage');
          if (!document.cookie.includes('seen=yes')) throw new Error('no cookie');`,
    },
  ],
  taskScript: "document.querySelector('#title').textContent = 'Changed by a script';",
};
