import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureScreenshotPair } from '../../src/diff/test-support/capture-pair.ts';
import {
  blazediff,
  odiffServer,
  pixelmatchPngjs,
  pixelmatchSharp,
  sceneInProcess,
  scenePool,
} from './contenders.ts';
import type { Contender } from './contenders.ts';
import { measure } from './measure.ts';
import type { Measurement } from './measure.ts';

// Scene's diff engine against the tools users would otherwise pick, side by side in one run,
// on real Chromium screenshots of a content-heavy fixture page (text, tables, gradients, canvas
// "photos") and a changed variant. Run: npx tsx bench/diff/run.ts

const sizes = [
  { width: 1920, height: 1080, iterations: 9 },
  { width: 1280, height: 8000, iterations: 5 },
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

function report(
  title: string,
  megapixels: number,
  results: Measurement[],
): { scene: number; by: Map<string, number> } {
  const scene = results.find((r) => r.contender === 'Scene')?.medianMs ?? Number.NaN;
  const rows = [['tool', 'median ms', 'min ms', 'MP/s', 'Scene speed-up', 'diff pixels']];
  for (const r of results) {
    rows.push([
      r.contender,
      fmt(r.medianMs),
      fmt(r.minMs),
      ((megapixels / r.medianMs) * 1000).toFixed(0),
      r.contender === 'Scene' ? '-' : `${(r.medianMs / scene).toFixed(2)}x`,
      r.diffPixels === null ? '?' : String(r.diffPixels),
    ]);
  }
  console.log(`\n${title}\n${table(rows)}`);
  return { scene, by: new Map(results.map((r) => [r.contender, r.medianMs])) };
}

const outDir = await mkdtemp(join(tmpdir(), 'scene-bench-diff-'));
const contenders: Contender[] = [
  sceneInProcess(),
  scenePool(),
  pixelmatchPngjs(),
  pixelmatchSharp(),
  odiffServer(),
  blazediff(),
];
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
  console.log('its diff PNG. Scene also writes its heatmap PNG. Timings interleaved round-robin.');

  for (const { width, height, iterations } of sizes) {
    const pair = await captureScreenshotPair(width, height);
    const baselinePath = join(outDir, `${width}x${height}-baseline.png`);
    const changedPath = join(outDir, `${width}x${height}-changed.png`);
    const identicalPath = join(outDir, `${width}x${height}-identical.png`);
    await writeFile(baselinePath, pair.baseline);
    await writeFile(changedPath, pair.changed);
    await copyFile(baselinePath, identicalPath); // same bytes, different file
    const megapixels = (width * height) / 1e6;
    const label = `${width}x${height} (${megapixels.toFixed(1)} MP, PNGs ${(pair.baseline.length / 1e6).toFixed(1)} MB)`;

    const changed = await measure(
      contenders,
      (c) => c.compare(baselinePath, changedPath, outDir),
      iterations,
      2,
    );
    const changedReport = report(`${label} — changed pair`, megapixels, changed);
    const identical = await measure(
      contenders,
      (c) => c.compare(baselinePath, identicalPath, outDir),
      iterations,
      2,
    );
    const identicalReport = report(`${label} — byte-identical pair`, megapixels, identical);

    const vsPngjs =
      (changedReport.by.get('pixelmatch + pngjs') ?? Number.NaN) / changedReport.scene;
    const vsOdiff =
      (changedReport.by.get('odiff (server mode)') ?? Number.NaN) / changedReport.scene;
    verdicts.push(
      `${width}x${height} changed: ${vsPngjs.toFixed(2)}x pixelmatch+pngjs (target ≥ 4) ${vsPngjs >= 4 ? 'MET' : 'MISSED'}; ` +
        `${vsOdiff.toFixed(2)}x odiff server (target ≥ 1.0) ${vsOdiff >= 1 ? 'MET' : 'MISSED'}`,
      `${width}x${height} identical: ${fmt(identicalReport.scene)} ms (target < 5 ms) ${identicalReport.scene < 5 ? 'MET' : 'MISSED'}`,
    );
  }
  console.log(`\nTargets (medians)\n${verdicts.map((v) => `  ${v}`).join('\n')}`);
  console.log(
    '\nNotes: diff pixel counts differ by design — pixelmatch counts above-threshold pixels only; Scene also counts' +
      '\nsub-threshold changes of solid areas (see src/diff/compare-pixels.ts); odiff and blazediff use their own' +
      '\nanti-aliasing variants. "Scene (worker pool)" includes the hop to a worker thread.',
  );
} finally {
  for (const contender of contenders) await contender.close?.();
  await rm(outDir, { recursive: true, force: true });
}
