import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePaths } from '../../test/fixtures/site/fixture-site.ts';
import { captureExecution } from './capture-execution.ts';
import { captureRequest, useCaptureFixture } from './capture-test-helpers.ts';
import { probeVideo } from '../../test/support/probe-video.ts';

// Execution videos: a CDP screencast of the capture encoded by Debian's ffmpeg to WebM.

const fixture = useCaptureFixture({ beforeAll, afterAll });

describe('execution videos', () => {
  it('records a playable WebM of the capture when asked, none otherwise', async () => {
    const url = fixture.site.url + fixturePaths.menu;
    const actions = [
      { type: 'click' as const, selector: '#menu-button' },
      { type: 'waitForTimeout' as const, ms: 300 },
    ];
    const signal = new AbortController().signal;
    const recorded = await captureExecution(
      fixture.pool,
      captureRequest(url, { pageActions: actions, video: {} }),
      { signal },
    );
    expect(recorded.video?.subarray(0, 4).toString('hex')).toBe('1a45dfa3'); // EBML (WebM)
    const probed = await probeVideo(recorded.video ?? Buffer.alloc(0));
    expect(probed.duration).toBeGreaterThan(0);
    expect(probed.frames).toBeGreaterThan(0);
    expect(recorded.log.some((l) => l.step === 'video' && /encoded/.test(l.message))).toBe(true);

    const plain = await captureExecution(fixture.pool, captureRequest(url), { signal });
    expect(plain.video).toBeUndefined();
  }, 120_000);

  it('says clearly that no video was recorded without ffmpeg, and still captures', async () => {
    const result = await captureExecution(
      fixture.pool,
      captureRequest(fixture.site.url + fixturePaths.about, {
        video: { ffmpegPath: '/nonexistent/ffmpeg' },
      }),
      { signal: new AbortController().signal },
    );
    expect(result.video).toBeUndefined();
    expect(result.observed.png.length).toBeGreaterThan(0);
    const line = result.log.find((l) => l.step === 'video');
    expect(line).toMatchObject({ level: 'warn' });
    expect(line?.message).toMatch(
      /no video recorded: ffmpeg not found \(looked in \/nonexistent\/ffmpeg\); install Debian's ffmpeg/,
    );
  }, 60_000);
});
