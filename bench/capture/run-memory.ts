// Memory of the server process during a 200-execution run through the real stack: launchRun →
// in-process queue → capture engine (Chromium) → diff engine → artifacts → SQLite, all in this
// process, against the fixture site. Prints the RSS before, at its peak and after, and whether
// the runs leave it within 150 MB of the start (after a GC). The peak is printed too: it is
// mostly garbage V8 has not collected yet (about 3 MB per capture of protocol messages,
// screenshots and traces passing through this process), so it varies from run to run with
// the timing of V8's major collections. (Chromium's own processes are not the server's memory
// and are not counted.)
//
//   npx tsx bench/capture/run-memory.ts [--executions 200] [--concurrency 4]

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { launchRun } from '../../src/runs/launch-run.ts';
import { getRun, listExecutions } from '../../src/runs/runs.service.ts';
import { createInThreadDiffer } from '../../src/runs/image-differ.ts';
import { createDiffPool } from '../../src/diff/index.ts';
import type { Run } from '../../src/runs/run.schema.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { buildServer } from '../../src/http/server.ts';
import { fixturePaths, startFixtureSite } from '../../test/fixtures/site/fixture-site.ts';

const { values } = parseArgs({
  options: {
    executions: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '4' },
    /** pool: the diff engine's worker threads (what serve uses); thread: diffs on the main thread. */
    differ: { type: 'string', default: 'pool' },
    /** Worker threads of the diff pool (default: what the run engine uses). */
    'diff-workers': { type: 'string' },
  },
});
const executions = Number(values.executions);
const concurrency = Number(values.concurrency);
const budgetMb = 150;

const mb = (bytes: number) => bytes / 1024 / 1024;
const fmt = (bytes: number) => `${mb(bytes).toFixed(1)} MB`;

const site = await startFixtureSite();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-bench-memory-'));
const config = loadConfig({ SCENE_DATA_DIR: dataDir, SCENE_LOG_LEVEL: 'warn' });
const app = await createApp(config, createLogger('warn'));
const server = await buildServer(app);
await server.ready();

async function api<T>(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object): Promise<T> {
  const response = await server.inject({
    method,
    url: `/api/v1${url}`,
    ...(payload && { payload }),
  });
  if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.body}`);
  return response.json<T>();
}

// The matrix: pages × 2 task states × 2 viewports = `executions` cells.
const pagePaths = [
  fixturePaths.home,
  fixturePaths.about,
  fixturePaths.products,
  fixturePaths.menu,
  fixturePaths.tall,
  fixturePaths.lazy,
];
const pageCount = Math.ceil(executions / 4);
await api('PATCH', '/settings', { maxConcurrentExecutions: concurrency });
const project = await api<{ id: string }>('POST', '/projects', { name: 'memory bench' });
const pageIds: string[] = [];
for (let i = 0; i < pageCount; i++) {
  const pagePath = pagePaths[i % pagePaths.length] ?? '/';
  const page = await api<{ id: string }>('POST', `/projects/${project.id}/pages`, {
    name: `page ${i + 1}`,
    url: `${site.url}${pagePath}?n=${i}`,
  });
  pageIds.push(page.id);
}
const taskIds = [
  (
    await api<{ id: string }>('POST', `/projects/${project.id}/tasks`, {
      name: 'as loaded',
      actions: [],
    })
  ).id,
  (
    await api<{ id: string }>('POST', `/projects/${project.id}/tasks`, {
      name: 'hover heading',
      actions: [{ type: 'hover', selector: 'body' }],
    })
  ).id,
];
const batch = await api<{ id: string }>('POST', `/projects/${project.id}/batches`, {
  name: 'memory',
  pageIds,
  taskIds,
  browsers: ['chromium'],
  viewports: ['desktop', 'mobile'],
});

const diffWorkers = values['diff-workers'];
await app.startRunEngine(
  values.differ === 'thread'
    ? { differ: createInThreadDiffer() }
    : diffWorkers === undefined
      ? {}
      : { differ: createDiffPool({ size: Number(diffWorkers) }) },
);
global.gc?.();
const before = process.memoryUsage().rss;
let peak = before;
let peakDetail = process.memoryUsage();
const sampler = setInterval(() => {
  const usage = process.memoryUsage();
  if (usage.rss > peak) {
    peak = usage.rss;
    peakDetail = usage;
  }
}, 50);

async function runToEnd(mode: 'baseline' | 'compare'): Promise<{ run: Run; seconds: number }> {
  const started = performance.now();
  const launched = await launchRun(app, batch.id, { mode }, 'bench');
  for (;;) {
    const run = await getRun(app.db, launched.id);
    if (run.status === 'finished' || run.status === 'failed' || run.status === 'cancelled') {
      return { run, seconds: (performance.now() - started) / 1000 };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

console.log(
  `run-memory: ${pageCount} pages × 2 task states × 2 viewports = ${pageCount * 4} executions per run, ` +
    `${concurrency} at once, diffs: ${values.differ === 'thread' ? 'main thread' : `worker pool${diffWorkers === undefined ? '' : ` of ${diffWorkers}`}`}, Node ${process.version}, ${os.cpus().length} CPUs`,
);
const baseline = await runToEnd('baseline');
console.log(
  `  baseline run: ${baseline.run.status}, ${baseline.run.summary.finished}/${baseline.run.summary.total} finished in ${baseline.seconds.toFixed(1)} s; RSS peak so far ${fmt(peak)}`,
);
site.setVariant('changed');
const compare = await runToEnd('compare');
console.log(
  `  compare run:  ${compare.run.status}, ${compare.run.summary.finished}/${compare.run.summary.total} finished ` +
    `(none ${compare.run.summary.none}, minor ${compare.run.summary.minor}, major ${compare.run.summary.major}) in ${compare.seconds.toFixed(1)} s; RSS peak so far ${fmt(peak)}`,
);
for (const { run } of [baseline, compare]) {
  if (run.summary.failed === 0) continue;
  const errors = new Map<string, number>();
  for (const e of await listExecutions(app.db, run.id)) {
    if (e.error !== undefined) errors.set(e.error, (errors.get(e.error) ?? 0) + 1);
  }
  for (const [error, count] of errors) console.log(`  ${run.mode} failure ×${count}: ${error}`);
}
clearInterval(sampler);
global.gc?.();
await new Promise((resolve) => setTimeout(resolve, 500));
const after = process.memoryUsage().rss;
const growth = after - before;
console.log(`  server RSS before ${fmt(before)}, peak ${fmt(peak)}, after ${fmt(after)}`);
console.log(
  `  at the peak: main-thread V8 heap ${fmt(peakDetail.heapUsed)} of ${fmt(peakDetail.heapTotal)}, array buffers ${fmt(peakDetail.arrayBuffers)}`,
);
console.log(
  `  after - before = ${fmt(growth)}: ${mb(growth) <= budgetMb ? 'within' : 'OVER'} the ${budgetMb} MB budget` +
    ` (peak - before = ${fmt(peak - before)}, transient)`,
);

await server.close();
await app.close();
await site.close();
fs.rmSync(dataDir, { recursive: true, force: true });
