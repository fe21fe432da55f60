// The cost of deterministic pages (issue 16), measured in the capture bench:
// - freeze: wall ms per capture with time frozen and randomness seeded vs both off, same pages,
//   one at a time, alternating, plus how many pages came out byte-identical across captures;
// - confirm before flagging: wall ms per compare (capture + diff against a baseline image, +
//   a second capture and diff when the compare found a diff) with confirmation on vs off, on a
//   page mix without changes and the same mix with changes.

import type { BrowserPool } from '../../src/capture/browser-pool.ts';
import { captureExecution } from '../../src/capture/capture-execution.ts';
import { captureRequest } from '../../src/capture/capture-test-helpers.ts';
import type { CaptureRequest } from '../../src/capture/capture.types.ts';
import { defaultDeterminism } from '../../src/capture/determinism-defaults.ts';
import { confirmByRecapture } from '../../src/runs/confirm-change.ts';
import { createInThreadDiffer } from '../../src/runs/image-differ.ts';
import { deterministicPaths, noisyPaths } from '../../test/fixtures/site/deterministic-pages.ts';
import { fixturePaths, type FixtureSite } from '../../test/fixtures/site/fixture-site.ts';

const viewport = { width: 1280, height: 800 };

function request(site: FixtureSite, path: string, frozen: boolean): CaptureRequest {
  return captureRequest(site.url + path, {
    viewport,
    determinism: {
      ...defaultDeterminism(`${path}|1280x800`),
      freezeTime: frozen,
      seedRandom: frozen,
    },
  });
}

async function timedCapture(
  pool: BrowserPool,
  req: CaptureRequest,
): Promise<{ ms: number; png: Buffer }> {
  const started = performance.now();
  const result = await captureExecution(pool, req, { signal: new AbortController().signal });
  return { ms: performance.now() - started, png: result.observed.png };
}

const mean = (values: number[]): number =>
  values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);

export async function printDeterminismCost(
  pool: BrowserPool,
  site: FixtureSite,
  rounds: number,
  recordVideo: () => Promise<Buffer>,
): Promise<void> {
  site.setVideo(await recordVideo());
  site.setVariant('original');
  const freezeMix = [
    fixturePaths.article,
    fixturePaths.home,
    fixturePaths.animated,
    fixturePaths.lazy,
    ...noisyPaths,
    deterministicPaths.timer2s,
  ];
  const ms = { frozen: [] as number[], real: [] as number[] };
  const hashes = { frozen: new Map<string, Set<string>>(), real: new Map<string, Set<string>>() };
  for (let round = 0; round < rounds; round++) {
    for (const path of freezeMix) {
      const order = round % 2 === 0 ? (['frozen', 'real'] as const) : (['real', 'frozen'] as const);
      for (const side of order) {
        const { ms: took, png } = await timedCapture(pool, request(site, path, side === 'frozen'));
        ms[side].push(took);
        const set = hashes[side].get(path) ?? new Set<string>();
        set.add(png.toString('base64'));
        hashes[side].set(path, set);
      }
    }
  }
  const stable = (side: 'frozen' | 'real'): number =>
    [...hashes[side].values()].filter((set) => set.size === 1).length;
  console.log('');
  console.log(
    `determinism: freeze cost, ${rounds} round(s) of ${freezeMix.length} pages, one capture at a time`,
  );
  console.log(`  pages: ${freezeMix.join(' ')}`);
  console.log(
    `  frozen time + seeded randomness: ${mean(ms.frozen).toFixed(0)} ms/capture, ` +
      `${stable('frozen')}/${freezeMix.length} pages byte-identical across rounds`,
  );
  console.log(
    `  real time, unseeded (opt-out):   ${mean(ms.real).toFixed(0)} ms/capture, ` +
      `${stable('real')}/${freezeMix.length} pages byte-identical across rounds`,
  );
  console.log(
    `  cost of the freeze: ${(mean(ms.frozen) - mean(ms.real)).toFixed(0)} ms/capture ` +
      `(includes 5 s of page time run after load, and more after actions/late network)`,
  );

  // Confirm before flagging: baseline images first, then compares with confirmation on and off.
  const differ = createInThreadDiffer();
  const confirmMix = [
    fixturePaths.home,
    fixturePaths.products,
    fixturePaths.about,
    deterministicPaths.date,
    deterministicPaths.gif,
    deterministicPaths.stable,
  ];
  const baselines = new Map<string, Buffer>();
  for (const path of confirmMix) {
    baselines.set(path, (await timedCapture(pool, request(site, path, true))).png);
  }
  console.log('');
  console.log(
    `determinism: confirm-before-flagging cost, ${rounds} round(s) of ${confirmMix.length} pages (capture + diff [+ re-capture + diff])`,
  );
  console.log(`  pages: ${confirmMix.join(' ')}`);
  for (const variant of ['original', 'changed'] as const) {
    site.setVariant(variant);
    const took = { on: [] as number[], off: [] as number[] };
    let flagged = 0;
    let unstable = 0;
    for (let round = 0; round < rounds; round++) {
      for (const path of confirmMix) {
        const baseline = baselines.get(path) ?? Buffer.alloc(0);
        for (const confirm of round % 2 === 0 ? [true, false] : [false, true]) {
          const started = performance.now();
          const req = request(site, path, true);
          const first = await timedCapture(pool, req);
          const diff = await differ.computeDiff(baseline, first.png, {});
          if (diff.diffPixels > 0) {
            if (!confirm) flagged++;
            if (confirm) {
              const confirmation = await confirmByRecapture(pool, differ, req, first.png, [], {
                signal: new AbortController().signal,
              });
              if (confirmation.unstableRegions.length > 0) unstable++;
            }
          }
          took[confirm ? 'on' : 'off'].push(performance.now() - started);
        }
      }
    }
    const label = variant === 'original' ? 'without changes' : 'with changes   ';
    console.log(
      `  ${label}: confirm off ${mean(took.off).toFixed(0)} ms/compare, on ${mean(took.on).toFixed(0)} ms/compare ` +
        `(+${(mean(took.on) - mean(took.off)).toFixed(0)} ms; ${flagged}/${rounds * confirmMix.length} compares had a diff, ` +
        `${unstable} found unstable)`,
    );
  }
  site.setVariant('original');
  await differ.close();
}
