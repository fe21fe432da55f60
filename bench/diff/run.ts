import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureScreenshotPair } from '../../src/diff/test-support/capture-pair.ts';
import { contenderKeys } from './contenders.ts';
import { measure, startHost } from './measure.ts';
import type { Measurement } from './measure.ts';

// Scene's diff engine against the tools users would otherwise pick, side by side in one run,
// on real Chromium screenshots of a content-heavy fixture page (text, tables, gradients, canvas
// "photos") and a changed variant. Run: npx tsx bench/diff/run.ts

const sizes = [
  { width: 1920, height: 1080, iterations: 11 },
  { width: 1280, height: 8000, iterations: 7 },
];

function fmt(ms: number): string {
  return ms < 10 ? ms.toFixed(2) : ms.toFixed(1);
}

function table(rows: string[][]): string {
  const widths =
    rows[0]?.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length))) ?? [];
  return rows
    .map((row) => row.map((cell, col) => cell.padEnd(widths[col] ?? 0)).join('  '))
    .join('\n');
}

function report(title: string, megapixels: number, results: Measurement[]): void {
  const scene = results.find((r) => r.contender === 'Scene');
  const rows = [
    [
      'tool',
      'median ms',
      'best ms',
      'MP/s (median)',
      'Scene speed-up (median / best)',
      'diff pixels',
    ],
  ];
  for (const r of results) {
    rows.push([
      r.contender,
      fmt(r.medianMs),
      fmt(r.minMs),
      ((megapixels / r.medianMs) * 1000).toFixed(0),
      r.contender === 'Scene' || !scene
        ? '-'
        : `${(r.medianMs / scene.medianMs).toFixed(2)}x / ${(r.minMs / scene.minMs).toFixed(2)}x`,
      r.diffPixels === null ? '?' : String(r.diffPixels),
    ]);
  }
  console.log(`\n${title}\n${table(rows)}`);
}

const outDir = await mkdtemp(join(tmpdir(), 'scene-bench-diff-'));
const hosts = await Promise.all(contenderKeys.map((key) => startHost(key)));
const verdicts: string[] = [];
try {
  console.log(
    `Scene diff benchmark — Node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')} (shared machine: absolute times are noisy, ratios are measured side by side)`,
  );
  console.log(
    'Every tool: read 2 PNG files, decode, compare (threshold 0.1, anti-aliasing ignored), encode + write',
  );
  console.log(
    'its diff PNG. Scene also writes its heatmap PNG. Each tool runs in its own process (timed there);',
  );
  console.log('samples interleaved round-robin.');

  for (const { width, height, iterations } of sizes) {
    const pair = await captureScreenshotPair(width, height);
    const baselinePath = join(outDir, `${width}x${height}-baseline.png`);
    const changedPath = join(outDir, `${width}x${height}-changed.png`);
    const identicalPath = join(outDir, `${width}x${height}-identical.png`);
    await writeFile(baselinePath, pair.baseline);
    await writeFile(changedPath, pair.changed);
    await copyFile(baselinePath, identicalPath); // same bytes, different file
    const megapixels = (width * height) / 1e6;
    const label = `${width}x${height} (${megapixels.toFixed(1)} MP, PNGs ${(pair.baseline.length / 1e6).toFixed(1)} MB), load ${loadavg()[0]?.toFixed(1)}`;

    const changed = await measure(hosts, baselinePath, changedPath, outDir, iterations, 2);
    report(`${label} — changed pair`, megapixels, changed);
    const identical = await measure(hosts, baselinePath, identicalPath, outDir, iterations, 2);
    report(`${label} — byte-identical pair`, megapixels, identical);

    for (const statistic of ['medianMs', 'minMs'] as const) {
      const time = (results: Measurement[], name: string) =>
        results.find((r) => r.contender === name)?.[statistic] ?? Number.NaN;
      const scene = time(changed, 'Scene');
      const vsPngjs = time(changed, 'pixelmatch + pngjs') / scene;
      const vsOdiff = time(changed, 'odiff (server mode)') / scene;
      const identicalMs = time(identical, 'Scene');
      const which = statistic === 'medianMs' ? 'median' : 'best';
      verdicts.push(
        `${width}x${height} changed (${which}): ${vsPngjs.toFixed(2)}x pixelmatch+pngjs (target ≥ 4) ${vsPngjs >= 4 ? 'MET' : 'MISSED'}; ` +
          `${vsOdiff.toFixed(2)}x odiff server (target ≥ 1.0) ${vsOdiff >= 1 ? 'MET' : 'MISSED'}; ` +
          `identical ${fmt(identicalMs)} ms (target < 5) ${identicalMs < 5 ? 'MET' : 'MISSED'}`,
      );
    }
  }
  console.log(
    `\nTargets (median of the samples, and best sample: the least disturbed by other load)\n${verdicts.map((v) => `  ${v}`).join('\n')}`,
  );
  console.log(
    '\nNotes: diff pixel counts differ by design — pixelmatch counts above-threshold pixels only; Scene also counts' +
      '\nsub-threshold changes of solid areas (see src/diff/compare-pixels.ts); odiff and blazediff use their own' +
      '\nanti-aliasing variants. "Scene" runs in the calling thread: its pixel loops are a native kernel' +
      "\nthat shares a large image's rows with a second thread; decoding and encoding run on libuv's pool." +
      '\n"Scene (worker pool)" adds the hop to a worker thread, as the run engine does.' +
      '\nodiff prints "server exited unexpectedly" on stop(): its own message.',
  );
} finally {
  await Promise.all(hosts.map((host) => host.close()));
  await rm(outDir, { recursive: true, force: true });
}
