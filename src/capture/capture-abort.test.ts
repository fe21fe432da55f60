import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePaths } from '../../test/fixtures/site/fixture-site.ts';
import { CaptureError } from './capture-error.ts';
import { captureExecution } from './capture-execution.ts';
import { captureRequest, useCaptureFixture } from './capture-test-helpers.ts';

// The engine's side of issue #10: captures of heavy pages aborted at arbitrary moments (as a
// cancel or a project deletion does) each settle — aborted, or done if the abort came late —
// and nothing they leave behind rejects or throws unobserved.

const fixture = useCaptureFixture({ beforeAll, afterAll }, { watchEscapes: true });

const heavy = [
  fixturePaths.heavyImage,
  fixturePaths.veryTall,
  fixturePaths.popup,
  fixturePaths.manySlow,
];

describe('captures of heavy pages aborted at arbitrary moments', () => {
  it('each settles (aborted or done), two at a time, and nothing escapes unhandled', async () => {
    // Fixed, spread-out abort delays (no randomness): from before the context opens to late
    // in the capture.
    const delaysMs = [0, 40, 150, 300, 500, 800, 1200, 1700, 2200, 2600, 350, 950];
    const outcomes: string[] = [];
    for (let i = 0; i < delaysMs.length; i += 2) {
      await Promise.all(
        [0, 1].map(async (offset) => {
          const index = i + offset;
          const controller = new AbortController();
          const timer = setTimeout(() => controller.abort('user'), delaysMs[index]);
          const url = `${fixture.site.url}${heavy[index % heavy.length] ?? fixturePaths.home}?n=${index}`;
          const request = captureRequest(url, {
            // A trace on some: stopping it is one more call racing the context's close.
            trace: index % 3 === 0,
            viewport: index % 2 === 0 ? { width: 1280, height: 800 } : { width: 390, height: 844 },
          });
          try {
            await captureExecution(fixture.pool, request, { signal: controller.signal });
            outcomes.push('done');
          } catch (error) {
            expect(error).toBeInstanceOf(CaptureError);
            // An abort wins over whatever it caused (target closed, a disposed Response...).
            expect((error as CaptureError).kind, (error as Error).message).toBe('aborted');
            outcomes.push('aborted');
          } finally {
            clearTimeout(timer);
          }
        }),
      );
    }
    expect(outcomes).toHaveLength(delaysMs.length);
    expect(outcomes).toContain('aborted');
    // The fixture.pool still captures after all that.
    const after = await captureExecution(
      fixture.pool,
      captureRequest(fixture.site.url + fixturePaths.about),
      {
        signal: new AbortController().signal,
      },
    );
    expect(after.observed.png.length).toBeGreaterThan(0);
    expect(fixture.escaped).toEqual([]);
  }, 180_000);
});
