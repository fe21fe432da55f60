// Captures per minute: Scene's capture engine against a naive playwright-core loop
// (new context → goto → page.screenshot({ fullPage: true }) → close), side by side in one run:
// same Chromium build, same pages, same concurrency, 1280x800, full page. The naive loop
// launches Chromium as a user would on this machine: Playwright's defaults plus the flags the
// machine requires (no sandbox, no GPU, offline). Scene launches it with its own tuned flags;
// for transparency, a third side runs the naive loop with Scene's flags.
//
//   npx tsx bench/capture/run.ts [--captures 30] [--concurrency 2,4] [--chunk 10]
//                                [--mix content,simple] [--spares 1] [--determinism 3]
//                                [--firefox 20] [--chromium-rows yes]
//
// Two page mixes of the fixture site, reported separately:
// - content: realistic pages (photo-like images, gradients, shadows, text), where Chromium's
//   PNG encoding dominates a capture, as it does on real sites;
// - simple: the small flat-colour test pages, where a capture is mostly the fixed cost of a
//   fresh context (a renderer process), which both sides pay.
// Each side runs in chunks of `--chunk` captures, alternating naive/scene chunk by chunk (and
// which goes first), so load from anything else on the machine hits both alike. Besides wall
// time, the CPU time per capture (the side's browser process tree plus this process) is printed:
// it barely depends on the machine's load.
//
// Then (firefox-row.ts; --firefox 0 skips it) the Firefox row: Scene against a naive
// puppeteer-core loop in the same Firefox (Debian's firefox-esr), on the content mix (or the
// first mix asked for), at the first concurrency; --chromium-rows no leaves only it.
//
// Then (determinism-cost.ts; --determinism 0 skips it) the cost of deterministic pages: ms per
// capture with time frozen and randomness seeded vs both off, and ms per compare with
// confirm-before-flagging on vs off, on a page mix without changes and with changes.

import { createHash } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import {
  BrowserPool,
  captureExecution,
  chromiumArgs,
  defaultSpareContexts,
  findChromium,
  requiredChromiumArgs,
} from '../../src/capture/index.ts';
import { fixturePaths, startFixtureSite } from '../../test/fixtures/site/fixture-site.ts';
import { captureRequest } from '../../src/capture/capture-test-helpers.ts';
import { encodeLayoutSnapshot } from '../../src/shared/layout-snapshot.ts';
import { browserPid } from '../../test/support/browser-pid.ts';
import { recordTestVideo } from '../../test/fixtures/site/deterministic-pages.ts';
import { printDeterminismCost } from './determinism-cost.ts';
import { printFirefoxRow } from './firefox-row.ts';
import { processTreeCpuSeconds } from './process-cpu.ts';

const { values } = parseArgs({
  options: {
    captures: { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '2,4' },
    chunk: { type: 'string', default: '10' },
    mix: { type: 'string', default: 'content,simple' },
    spares: { type: 'string', default: String(defaultSpareContexts) },
    determinism: { type: 'string', default: '3' },
    firefox: { type: 'string', default: '20' },
    'chromium-rows': { type: 'string', default: 'yes' },
  },
});
const capturesPerSide = Number(values.captures);
const concurrencies = values.concurrency.split(',').map(Number);
const chunkSize = Number(values.chunk);
const viewport = { width: 1280, height: 800 };

const allMixes: { name: string; pages: string[] }[] = [
  { name: 'content', pages: [fixturePaths.article, fixturePaths.landing, fixturePaths.gallery] },
  {
    name: 'simple',
    pages: [
      fixturePaths.home,
      fixturePaths.products,
      fixturePaths.menu,
      fixturePaths.animated,
      fixturePaths.lazy,
      fixturePaths.tall,
    ],
  },
];

const mixes = allMixes.filter((mix) => values.mix.split(',').includes(mix.name));

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const rssBefore = process.memoryUsage().rss;

const site = await startFixtureSite();
const executablePath = findChromium();
const naiveBrowser = await chromium.launch({ executablePath, args: requiredChromiumArgs });
const tunedNaiveBrowser = await chromium.launch({ executablePath, args: chromiumArgs });
const pool = new BrowserPool({ spareContexts: Number(values.spares) });

const hashesByPage = {
  naive: new Map<string, Set<string>>(),
  scene: new Map<string, Set<string>>(),
};

function recordHash(side: keyof typeof hashesByPage, path: string, png: Buffer): void {
  const hashes = hashesByPage[side].get(path) ?? new Set<string>();
  hashes.add(createHash('sha256').update(png).digest('hex'));
  hashesByPage[side].set(path, hashes);
}

async function naiveCapture(browser: Browser, path: string): Promise<Buffer> {
  const context = await browser.newContext({ viewport });
  try {
    const page = await context.newPage();
    await page.goto(site.url + path);
    const png = await page.screenshot({ fullPage: true });
    if (browser === naiveBrowser) recordHash('naive', path, png);
    return png;
  } finally {
    await context.close();
  }
}

const stepTotals = new Map<string, { ms: number; count: number }>();
/** Issue 15: what the layout snapshot taken with each screenshot costs, per page. */
const layoutCost = new Map<
  string,
  { snapshotMs: number; captureMs: number; bytes: number; elements: number; count: number }
>();

async function sceneCapture(path: string): Promise<Buffer> {
  const started = performance.now();
  const result = await captureExecution(pool, captureRequest(site.url + path, { viewport }), {
    signal: new AbortController().signal,
  });
  const captureMs = performance.now() - started;
  recordHash('scene', path, result.observed.png);
  const layout = result.observed.layout;
  if (layout) {
    const cost = layoutCost.get(path) ?? {
      snapshotMs: 0,
      captureMs: 0,
      bytes: 0,
      elements: 0,
      count: 0,
    };
    cost.snapshotMs += result.log.find((l) => l.step === 'layout')?.durationMs ?? 0;
    cost.captureMs += captureMs;
    cost.bytes += encodeLayoutSnapshot(layout).length;
    cost.elements += layout.elements.length;
    cost.count++;
    layoutCost.set(path, cost);
  }
  for (const line of result.log) {
    const total = stepTotals.get(line.step) ?? { ms: 0, count: 0 };
    total.ms += line.durationMs ?? 0;
    total.count++;
    stepTotals.set(line.step, total);
  }
  return result.observed.png;
}

interface Side {
  browserPid: number;
  capture: (path: string) => Promise<Buffer>;
  wallMs: number;
  cpuSeconds: number;
  captures: number;
}

function nodeCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** Captures `count` pages of the mix with `concurrency` workers, adding to the side's totals. */
async function runChunk(
  side: Side,
  pages: string[],
  count: number,
  concurrency: number,
): Promise<void> {
  const cpuBefore = processTreeCpuSeconds(side.browserPid) + nodeCpuSeconds();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const path = pages[next++ % pages.length] ?? fixturePaths.home;
        const png = await side.capture(path);
        if (png.length < 100) throw new Error(`empty capture of ${path}`);
      }
    }),
  );
  side.wallMs += performance.now() - started;
  side.cpuSeconds += processTreeCpuSeconds(side.browserPid) + nodeCpuSeconds() - cpuBefore;
  side.captures += count;
}

// Warm-up: browser launches and first-use costs stay out of the numbers.
for (const path of mixes.flatMap((mix) => mix.pages)) {
  await naiveCapture(naiveBrowser, path);
  await naiveCapture(tunedNaiveBrowser, path);
  await sceneCapture(path);
}
hashesByPage.naive.clear();
hashesByPage.scene.clear();
stepTotals.clear();
const naiveBrowserPid = await browserPid(naiveBrowser);
const tunedNaiveBrowserPid = await browserPid(tunedNaiveBrowser);
const sceneBrowserPid = await browserPid(await pool.acquire('chromium'));

console.log(
  `capture bench: ${capturesPerSide} captures per side per row, viewport ${viewport.width}x${viewport.height}, ` +
    `full page, sides interleaved in chunks of ${chunkSize} (rotating which goes first), scene spare contexts ${values.spares}`,
);
console.log(
  `chromium ${naiveBrowser.version()} (${executablePath}), ${cpus().length} CPU(s), ` +
    `load average ${loadavg()[0]?.toFixed(1)} at start`,
);
for (const mix of mixes) console.log(`  ${mix.name} mix: ${mix.pages.join(' ')}`);
console.log('');
console.log(
  'mix      concurrency  naive/min  scene/min  ratio  CPU ms/capture naive  scene' +
    '  | naive with scene flags: /min  CPU ms',
);

const chromiumRows = values['chromium-rows'] !== 'no';
for (const mix of chromiumRows ? mixes : []) {
  for (const concurrency of concurrencies) {
    const side = (pid: number, capture: Side['capture']): Side => ({
      browserPid: pid,
      capture,
      wallMs: 0,
      cpuSeconds: 0,
      captures: 0,
    });
    const naive = side(naiveBrowserPid, (path) => naiveCapture(naiveBrowser, path));
    const scene = side(sceneBrowserPid, sceneCapture);
    const tunedNaive = side(tunedNaiveBrowserPid, (path) => naiveCapture(tunedNaiveBrowser, path));
    const order = [naive, scene, tunedNaive];
    for (let done = 0, chunk = 0; done < capturesPerSide; done += chunkSize, chunk++) {
      const count = Math.min(chunkSize, capturesPerSide - done);
      for (let i = 0; i < order.length; i++) {
        const current = order[(chunk + i) % order.length] ?? naive;
        await runChunk(current, mix.pages, count, concurrency);
      }
    }
    const perMinute = (s: Side): number => (s.captures / s.wallMs) * 60_000;
    const cpuPerCapture = (s: Side): string => ((s.cpuSeconds * 1000) / s.captures).toFixed(0);
    const ratio = perMinute(scene) / perMinute(naive);
    console.log(
      [
        mix.name.padEnd(7),
        String(concurrency).padStart(12),
        perMinute(naive).toFixed(1).padStart(10),
        perMinute(scene).toFixed(1).padStart(10),
        `${ratio.toFixed(2)}x`.padStart(6),
        cpuPerCapture(naive).padStart(20),
        cpuPerCapture(scene).padStart(6),
        '  |',
        perMinute(tunedNaive).toFixed(1).padStart(27),
        cpuPerCapture(tunedNaive).padStart(7),
      ].join(' '),
    );
  }
}

console.log('');
for (const side of ['naive', 'scene'] as const) {
  const pages = hashesByPage[side];
  const unstable = [...pages].filter(([, hashes]) => hashes.size > 1).map(([path]) => path);
  console.log(
    `${side} determinism: ${pages.size - unstable.length}/${pages.size} pages byte-identical across all their captures` +
      (unstable.length > 0 ? ` (differing: ${unstable.join(' ')})` : ''),
  );
}
console.log(
  'scene mean step durations (ms): ' +
    [...stepTotals]
      .map(([step, total]) => `${step} ${(total.ms / Math.max(1, total.count)).toFixed(0)}`)
      .join(', '),
);

console.log('');
console.log(
  'layout snapshot per capture (DOMSnapshot.captureSnapshot, taken with every screenshot):',
);
console.log('page            elements  snapshot ms  capture ms  share  stored bytes (gzip)');
for (const [path, cost] of layoutCost) {
  const n = Math.max(1, cost.count);
  console.log(
    `${path.padEnd(15)} ${(cost.elements / n).toFixed(0).padStart(8)}  ${(cost.snapshotMs / n).toFixed(1).padStart(11)}  ${(cost.captureMs / n).toFixed(0).padStart(10)}  ${((cost.snapshotMs / Math.max(1, cost.captureMs)) * 100).toFixed(1).padStart(4)} %  ${(cost.bytes / n).toFixed(0).padStart(10)}`,
  );
}

if (Number(values.firefox) > 0) {
  const mix = mixes[0] ?? allMixes[0];
  console.log('');
  console.log(
    `firefox row (${mix?.name ?? 'content'} mix): browser, concurrency, naive/min, scene/min, ratio`,
  );
  await printFirefoxRow(
    pool,
    site.url,
    mix?.pages ?? [fixturePaths.home],
    Number(values.firefox),
    concurrencies[0] ?? 2,
    chunkSize,
  );
}

if (Number(values.determinism) > 0) {
  await printDeterminismCost(pool, site, Number(values.determinism), async () => {
    const page = await (await pool.acquire('chromium')).newPage();
    try {
      return await recordTestVideo(page);
    } finally {
      await page.close();
    }
  });
}

await naiveBrowser.close();
await tunedNaiveBrowser.close();
await pool.close();
await site.close();
const rssAfter = process.memoryUsage().rss;
console.log(`node process RSS: before ${mib(rssBefore)}, after ${mib(rssAfter)}`);
console.log(`load average ${loadavg()[0]?.toFixed(1)} at end`);
