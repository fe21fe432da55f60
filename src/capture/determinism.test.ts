import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deterministicColors,
  deterministicPaths,
  noisyPaths,
  recordTestVideo,
} from '../../test/fixtures/site/deterministic-pages.ts';
import { captureExecution } from './capture-execution.ts';
import { captureRequest, pixelAt, rowsOfColor, useCaptureFixture } from './capture-test-helpers.ts';
import type { CaptureRequest, CaptureResult } from './capture.types.ts';
import { defaultDeterminism, defaultFrozenTime } from './determinism.ts';

// Issue 16 at the engine: pages that move with time, randomness and media capture the same
// bytes every time once the browser freezes them, and differ when it does not.

const fixture = useCaptureFixture({ beforeAll, afterAll });

beforeAll(async () => {
  const browser = await fixture.pool.acquire('chromium');
  const page = await browser.newPage();
  try {
    fixture.site.setVideo(await recordTestVideo(page));
  } finally {
    await page.close();
  }
});

function capture(path: string, overrides: Partial<CaptureRequest> = {}): Promise<CaptureResult> {
  return captureExecution(fixture.pool, captureRequest(fixture.site.url + path, overrides), {
    signal: new AbortController().signal,
  });
}

const unfrozen = {
  determinism: { ...defaultDeterminism('seed'), freezeTime: false, seedRandom: false },
};

describe('deterministic pages', () => {
  it('captures every noisy page byte-identically twice, and differently with the opt-outs', async () => {
    const differing: string[] = [];
    for (const path of noisyPaths) {
      const first = await capture(path);
      const second = await capture(path);
      expect(second.observed.png.equals(first.observed.png), path).toBe(true);
      // Real time and randomness: captures disagree. Looping media land on the same frame by
      // chance, and on a loaded machine playback may only start after the screenshot: up to six
      // captures, each waiting 250 ms longer before its screenshot, stopping at the first that
      // differs.
      const hashes = new Set<string>();
      for (let i = 0; i < 6 && hashes.size < 2; i++) {
        const shot = await capture(path, { ...unfrozen, waitMs: 250 * i });
        hashes.add(shot.observed.png.toString('base64'));
      }
      if (hashes.size > 1) differing.push(path);
    }
    expect(differing).toEqual([...noisyPaths]);
  });

  it('renders a page that needs a 2 s timer or a chain of timers', async () => {
    const [r, g, b] = deterministicColors.timerDone;
    const late = await capture(deterministicPaths.timer2s);
    expect(await pixelAt(late.observed.png, 300, 150)).toEqual([r, g, b]);
    const chain = await capture(deterministicPaths.timerChain);
    // The 40 px block turns green only once the sixth timer has run (it was a mere height check).
    const greenRows = await rowsOfColor(chain.observed.png, 300, [r, g, b]);
    expect(greenRows.length).toBe(40);
    const clockLines = chain.log.filter((l) => l.step === 'clock').map((l) => l.message);
    expect(clockLines[0]).toMatch(/ran the page clock 5000 ms after load/);
  });

  it('shows animated images and video at their first frame, and logs the mode', async () => {
    const gif = await capture(deterministicPaths.gif);
    const [first] = deterministicColors.gifFrames;
    const badge = gif.observed.png;
    expect(await pixelAt(badge, 60, 420)).toEqual(first);
    const determinismLines = gif.log.filter((l) => l.step === 'determinism').map((l) => l.message);
    expect(determinismLines[0]).toContain(`time frozen at ${defaultFrozenTime}`);
    expect(determinismLines[0]).toContain('Math.random and crypto.getRandomValues seeded');
    expect(determinismLines.at(-1)).toMatch(
      /[1-9]\d* animated image\(s\) shown at their first frame/,
    );

    const video = await capture(deterministicPaths.video);
    expect(video.log.map((l) => l.message).join('\n')).toMatch(/2 video\/audio paused/);

    const off = await capture(deterministicPaths.gif, unfrozen);
    const offLines = off.log.filter((l) => l.step === 'determinism').map((l) => l.message);
    expect(offLines[0]).toContain('time runs (freezeTime off)');
    expect(offLines[0]).toContain('randomness unseeded (seedRandom off)');
  });

  it('seeds crypto.getRandomValues but leaves crypto.subtle (keys, signatures) native', async () => {
    // A failing check throws in the page, which fails the capture.
    const check = `
      const native = (f) => Function.prototype.toString.call(f).includes('[native code]');
      for (const name of Object.getOwnPropertyNames(SubtleCrypto.prototype)) {
        const value = Object.getOwnPropertyDescriptor(SubtleCrypto.prototype, name).value;
        if (typeof value === 'function' && !native(value)) throw new Error('crypto.subtle.' + name + ' replaced');
      }
      if (native(Crypto.prototype.getRandomValues)) throw new Error('getRandomValues not seeded');
      const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 128 }, true, ['encrypt']);
      if ((await crypto.subtle.exportKey('raw', key)).byteLength !== 16) throw new Error('no key');`;
    const result = await capture(deterministicPaths.random, {
      pageActions: [{ type: 'evaluate', script: check }],
    });
    expect(result.log.some((l) => l.step === 'action' && /evaluate/.test(l.message))).toBe(true);
  });

  it('sees the configured instant as now, and a seed per page and viewport', async () => {
    const at = (frozenTime: string, seed = 'a'): Promise<CaptureResult> =>
      capture(deterministicPaths.date, {
        determinism: { ...defaultDeterminism(seed), frozenTime },
      });
    const one = await at('2030-05-06T07:08:09.000Z');
    const other = await at(defaultFrozenTime);
    expect(one.observed.png.equals(other.observed.png)).toBe(false);
    expect((await at('2030-05-06T07:08:09.000Z')).observed.png.equals(one.observed.png)).toBe(true);
    const seeded = (seed: string): Promise<CaptureResult> =>
      capture(deterministicPaths.random, { determinism: defaultDeterminism(seed) });
    const a = await seeded('page-1|1280x800');
    expect((await seeded('page-1|1280x800')).observed.png.equals(a.observed.png)).toBe(true);
    expect((await seeded('page-2|1280x800')).observed.png.equals(a.observed.png)).toBe(false);
  });
});
