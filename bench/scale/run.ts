// Throughput of scale-out: executions per minute with 1, 2 and 4 `scene worker` processes on one
// shared queue (BullMQ on Redis, Postgres scratch database, artifacts on disk), with one
// `scene serve` without embedded worker launching the runs and streaming their events.
//
//   npm run bench:scale [-- --workers 1,2,4 --concurrency 2 --real 24 --per-slot 40 --modes real,fake]
//
// Two modes, reported separately:
// - real: real `scene worker` processes capturing the fixture site in Chromium. On a 2-core
//   machine real captures cannot scale with processes: this shows where the cores run out.
// - fake (BENCH ONLY): bench/scale/fake-worker.ts, the real worker with its capture step
//   replaced by a fixed wait (--capture-ms, default 200). It measures the orchestration itself:
//   queue, database, events and artifact writes. Its ratio to linear from 1 to the largest
//   worker count is the scale-out target (>= 0.9); the overhead per execution is the time a
//   worker slot spends per execution beyond the fake capture.
//
// Each worker runs `--concurrency` executions at once (settings.maxConcurrentExecutions). A run
// is timed from its launch (POST) until its event stream on the server ends with the summary.
// Fake runs have `--per-slot` executions per worker slot, so each lasts about as long whatever
// the worker count; real runs have `--real` executions whatever the worker count. A warm-up run
// (two executions per slot, at least 8) precedes each measured run, so Chromium's launch,
// cold connections and unoptimised code are not measured.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import type { Execution, Run } from '../../src/runs/run.schema.ts';
import { fixturePaths, startFixtureSite } from '../../test/fixtures/site/fixture-site.ts';
import { createScratchDatabase } from '../../test/support/postgres.ts';
import { okScene, startSceneChild, type SceneChild } from '../../test/support/scene-child.ts';
import { processesCpuSeconds, processTreeCpuSeconds } from '../capture/process-cpu.ts';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '1,2,4' },
    concurrency: { type: 'string', default: '2' },
    real: { type: 'string', default: '24' },
    'per-slot': { type: 'string', default: '40' },
    'capture-ms': { type: 'string', default: '200' },
    modes: { type: 'string', default: 'real,fake' },
    /** Writes a V8 CPU profile of each fake worker into this directory (see where time goes). */
    'cpu-prof': { type: 'string' },
  },
});
const workerCounts = values.workers.split(',').map(Number);
const concurrency = Number(values.concurrency);
const realExecutions = Number(values.real);
const perSlot = Number(values['per-slot']);
const captureMs = Number(values['capture-ms']);
const modes = values.modes.split(',') as ('real' | 'fake')[];
const redisUrl = process.env.SCENE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const repoRoot = path.resolve(import.meta.dirname, '../..');

interface Measurement {
  mode: 'real' | 'fake';
  workers: number;
  executions: number;
  seconds: number;
  perMinute: number;
  /** Mean claim-to-recorded time of an execution in its worker (startedAt → finishedAt), ms. */
  handlerMs: number;
  /**
   * CPU time of the serve and worker processes (with their Chromiums) per execution of the
   * measured run, ms; Postgres and Redis not included. Unlike wall time, hardly load-dependent.
   */
  cpuMs: number;
  /** The part of cpuMs spent by `scene serve` (launching, dispatching, streaming events). */
  serveCpuMs: number;
  /**
   * CPU time of every postgres and redis-server process on the machine per execution, ms (what
   * else uses them meanwhile counts too: measure on a quiet machine).
   */
  servicesCpuMs: number;
}

async function assertRedis(): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`Redis is not reachable at ${redisUrl}: ${String(error)}`, { cause: error });
  } finally {
    redis.disconnect();
  }
}

/** bench/scale/fake-worker.ts as a child process, resolved once it takes jobs. */
async function startFakeWorker(env: Record<string, string>): Promise<SceneChild> {
  const child = spawn(
    process.execPath,
    [
      ...(values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] : []),
      '--import',
      path.join(repoRoot, 'node_modules/tsx/dist/loader.mjs'),
      'bench/scale/fake-worker.ts',
    ],
    {
      cwd: repoRoot,
      env: { ...process.env, ...env, BENCH_FAKE_CAPTURE_MS: String(captureMs) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  let exitedWith: number | string | null | undefined;
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => {
      exitedWith = code ?? signal;
      resolve(exitedWith);
    }),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`fake worker did not start:\n${output}`)),
      60_000,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Scene worker is running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => reject(new Error(`fake worker exited:\n${output}`)));
  });
  return {
    child,
    url: '',
    exited,
    output: () => output,
    alive: () => exitedWith === undefined,
    async kill() {
      if (exitedWith === undefined) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Graceful stop (SIGTERM), as an operator would; SIGKILL if it takes more than 20 s. */
async function stopWorker(worker: SceneChild): Promise<void> {
  if (!worker.alive()) return;
  worker.child.kill('SIGTERM');
  const timer = setTimeout(() => void worker.kill(), 20_000);
  await worker.exited;
  clearTimeout(timer);
}

async function createBatchOf(server: SceneChild, name: string, urls: string[]): Promise<string> {
  const project = await okScene<{ id: string }>(server, 'POST', '/projects', { name });
  const pageIds: string[] = [];
  for (const [i, url] of urls.entries()) {
    const page = await okScene<{ id: string }>(server, 'POST', `/projects/${project.id}/pages`, {
      name: `page ${i}`,
      url,
    });
    pageIds.push(page.id);
  }
  const batch = await okScene<{ id: string }>(server, 'POST', `/projects/${project.id}/batches`, {
    name: 'batch',
    pageIds,
    browsers: ['chromium'],
    viewports: ['desktop'],
  });
  return batch.id;
}

/** Launches a baseline run and waits for its event stream to end; seconds from the launch. */
async function timeRun(
  server: SceneChild,
  batchId: string,
): Promise<{ run: Run; seconds: number }> {
  const started = performance.now();
  const launched = await okScene<Run>(server, 'POST', `/batches/${batchId}/runs`, {
    mode: 'baseline',
  });
  const stream = await fetch(`${server.url}/api/v1/runs/${launched.id}/events`);
  const events = await stream.text();
  const seconds = (performance.now() - started) / 1000;
  if (!events.includes('event: summary')) throw new Error('the event stream ended without summary');
  const run = await okScene<Run>(server, 'GET', `/runs/${launched.id}`);
  return { run, seconds };
}

async function measure(
  mode: 'real' | 'fake',
  server: SceneChild,
  env: Record<string, string>,
  workers: number,
  urlOf: (i: number) => string,
): Promise<Measurement> {
  const slots = workers * concurrency;
  const count = mode === 'real' ? realExecutions : perSlot * slots;
  const warmup = await createBatchOf(
    server,
    `${mode}-${workers}-warmup`,
    Array.from({ length: Math.max(8, 2 * slots) }, (_, i) => urlOf(i)),
  );
  const measured = await createBatchOf(
    server,
    `${mode}-${workers}`,
    Array.from({ length: count }, (_, i) => urlOf(i)),
  );
  const started: SceneChild[] = await Promise.all(
    Array.from({ length: workers }, () =>
      mode === 'real' ? startSceneChild(env, 'worker') : startFakeWorker(env),
    ),
  );
  try {
    await timeRun(server, warmup);
    const pids = [server, ...started].map((p) => p.child.pid ?? 0);
    const cpu = (): number => pids.reduce((sum, pid) => sum + processTreeCpuSeconds(pid), 0);
    const serveCpu = (): number => processTreeCpuSeconds(server.child.pid ?? 0);
    const cpuBefore = cpu();
    const serveCpuBefore = serveCpu();
    const servicesCpu = (): number => processesCpuSeconds(['postgres', 'redis-server']);
    const servicesCpuBefore = servicesCpu();
    const { run, seconds } = await timeRun(server, measured);
    const cpuMs = ((cpu() - cpuBefore) * 1000) / count;
    const serveCpuMs = ((serveCpu() - serveCpuBefore) * 1000) / count;
    const servicesCpuMs = ((servicesCpu() - servicesCpuBefore) * 1000) / count;
    if (run.status !== 'finished' || run.summary.finished !== count) {
      throw new Error(`the measured run did not finish every execution: ${JSON.stringify(run)}`);
    }
    const executions = (
      await okScene<{ items: Execution[] }>(server, 'GET', `/runs/${run.id}/executions`)
    ).items;
    const handlerMs =
      executions.reduce(
        (sum, e) => sum + (Date.parse(e.finishedAt ?? '') - Date.parse(e.startedAt ?? '')),
        0,
      ) / executions.length;
    return {
      mode,
      workers,
      executions: count,
      seconds,
      perMinute: (count / seconds) * 60,
      handlerMs,
      cpuMs,
      serveCpuMs,
      servicesCpuMs,
    };
  } finally {
    await Promise.all(started.map(stopWorker));
  }
}

async function benchMode(mode: 'real' | 'fake'): Promise<Measurement[]> {
  const scratch = await createScratchDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-bench-scale-'));
  const site = mode === 'real' ? await startFixtureSite() : undefined;
  const env = {
    SCENE_DATA_DIR: dataDir,
    SCENE_DATABASE_URL: scratch.url,
    SCENE_QUEUE_URL: redisUrl,
    SCENE_LOG_LEVEL: 'info',
  };
  const server = await startSceneChild({ ...env, SCENE_EMBEDDED_WORKER: 'false' });
  // Real pages differ by a query string (no cache shared between captures); fake ones are never
  // fetched.
  const pages = [fixturePaths.home, fixturePaths.products, fixturePaths.about];
  const urlOf = (i: number): string =>
    site
      ? `${site.url}${pages[i % pages.length] ?? fixturePaths.home}?n=${i}`
      : `http://127.0.0.1:9/fake/${i}`;
  const results: Measurement[] = [];
  try {
    await okScene(server, 'PATCH', '/settings', { maxConcurrentExecutions: concurrency });
    for (const workers of workerCounts) {
      const result = await measure(mode, server, env, workers, urlOf);
      results.push(result);
      console.error(
        `  ${mode} ${workers} worker(s): ${result.executions} executions in ${result.seconds.toFixed(1)} s`,
      );
    }
  } finally {
    await stopWorker(server);
    await site?.close();
    await scratch.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return results;
}

function print(results: Measurement[]): void {
  const label = {
    real: 'real captures (Chromium)',
    fake: `fake ${captureMs} ms capture (BENCH ONLY)`,
  };
  for (const mode of modes) {
    const rows = results.filter((r) => r.mode === mode);
    const one = rows.find((r) => r.workers === 1);
    console.log(`\n${label[mode]}, ${concurrency} execution(s) at once per worker:`);
    console.log(
      'workers  executions  seconds  exec/min  vs linear  slot ms/exec  handler ms/exec  CPU ms/exec  (of it serve)  Postgres+Redis CPU ms/exec',
    );
    for (const r of rows) {
      const linear = one ? (r.perMinute / (one.perMinute * r.workers)).toFixed(2) : '-';
      const slotMs = (r.seconds * 1000 * r.workers * concurrency) / r.executions;
      console.log(
        `${String(r.workers).padStart(7)}  ${String(r.executions).padStart(10)}  ${r.seconds.toFixed(1).padStart(7)}  ${r.perMinute.toFixed(0).padStart(8)}  ${linear.padStart(9)}  ${slotMs.toFixed(0).padStart(12)}  ${r.handlerMs.toFixed(0).padStart(15)}  ${r.cpuMs.toFixed(0).padStart(11)}  ${r.serveCpuMs.toFixed(0).padStart(13)}  ${r.servicesCpuMs.toFixed(0).padStart(26)}`,
      );
    }
    const largest = rows.at(-1);
    if (mode === 'fake' && one && largest && largest.workers > 1) {
      const ratio = largest.perMinute / (one.perMinute * largest.workers);
      console.log(
        `ratio to linear, 1 → ${largest.workers} workers: ${ratio.toFixed(2)} (target >= 0.90: ${ratio >= 0.9 ? 'met' : 'NOT met'})`,
      );
      for (const r of rows) {
        const slotMs = (r.seconds * 1000 * r.workers * concurrency) / r.executions;
        console.log(
          `orchestration overhead per execution, ${r.workers} worker(s): ${(slotMs - captureMs).toFixed(0)} ms per worker slot ` +
            `(in the worker, claim to recorded: ${(r.handlerMs - captureMs).toFixed(0)} ms; queue hand-off, dispatch and run start/end: ${(slotMs - r.handlerMs).toFixed(0)} ms)`,
        );
      }
      // What linear scaling would need of the machine: the CPU per execution at the rate of
      // `largest` workers running linearly, Scene's and with Postgres and Redis.
      const linearPerSecond = (one.perMinute * largest.workers) / 60;
      const sceneCores = (linearPerSecond * largest.cpuMs) / 1000;
      const allCores = (linearPerSecond * (largest.cpuMs + largest.servicesCpuMs)) / 1000;
      console.log(
        `CPU per execution at ${largest.workers} workers: Scene ${largest.cpuMs.toFixed(0)} ms (serve + workers), Postgres + Redis ${largest.servicesCpuMs.toFixed(0)} ms: ` +
          `linear at ${largest.workers} workers (${(linearPerSecond * 60).toFixed(0)}/min) needs ${sceneCores.toFixed(2)} cores for Scene, ${allCores.toFixed(2)} with Postgres and Redis, of this machine's ${os.cpus().length}`,
      );
    }
  }
}

await assertRedis();
const load = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
console.log(
  `bench:scale — ${os.cpus().length} cores, load average ${load()} at start; Postgres scratch database, Redis ${redisUrl}, one scene serve (no embedded worker)`,
);
const results: Measurement[] = [];
for (const mode of modes) results.push(...(await benchMode(mode)));
print(results);
console.log(`\nload average at the end: ${load()}`);
