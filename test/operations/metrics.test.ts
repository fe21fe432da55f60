import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool } from '../../src/capture/browser-pool.ts';
import type { Execution, Run } from '../../src/runs/run.schema.ts';
import { fixturePaths, startFixtureSite, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import { createBatch, injectClient, pollRun, type SceneClient } from '../support/scene-client.ts';
import { createScratchDatabase } from '../support/postgres.ts';
import { okScene, pollUntil, startSceneChild, type SceneChild } from '../support/scene-child.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

// Operations: Prometheus /metrics of `scene serve` (in this process, after a real Chromium run)
// and of `scene worker` (a child process, on SCENE_WORKER_PORT), and GET /api/v1/version.

const redisUrl = process.env.SCENE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The value of one sample line, e.g. `scene_executions{status="finished"}`; undefined if absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Metric family names declared in the exposition (# TYPE lines). */
function families(text: string): string[] {
  return [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] ?? '');
}

describe('GET /metrics and /api/v1/version of scene serve (embedded worker, Chromium)', () => {
  let site: FixtureSite;
  let t: TestApp;
  let api: SceneClient;
  let pool: BrowserPool;
  let launchedVersion: string;

  beforeAll(async () => {
    site = await startFixtureSite();
    t = await createTestApp('sqlite');
    api = injectClient(t.server);
    pool = new BrowserPool();
    launchedVersion = (await pool.acquire('chromium')).version();
    await t.app.startRunEngine({ pool, checkIntervalMs: 100 });
    t.app.webhookDeliverer.start();
  });
  afterAll(async () => {
    await t?.close();
    await site?.close();
  });

  it('exposes queue depth, executions by status, capture and diff durations, webhook outcomes and HTTP durations', async () => {
    site.setVariant('original');
    const { batchId, projectId } = await createBatch(api, {
      pages: [
        { name: 'home', url: site.url + fixturePaths.home },
        { name: 'products', url: site.url + fixturePaths.products },
      ],
    });
    await api.ok('POST', `/projects/${projectId}/webhooks`, {
      url: 'http://127.0.0.1:9/hook',
      events: ['run.finished'],
    });
    const baseline = await api.launchRun(batchId, { mode: 'baseline' });
    expect(await pollRun(api, baseline.id)).toMatchObject({ status: 'finished' });
    const compare = await api.launchRun(batchId, { mode: 'compare' });
    expect(await pollRun(api, compare.id)).toMatchObject({ status: 'finished' });

    // The deliverer tries the unreachable receiver once the runs have finished: a retry.
    const scrape = () => t.server.inject({ url: '/metrics' });
    const response = await pollUntil(
      scrape,
      (r) =>
        (sample(r.body, 'scene_webhook_delivery_attempts_total{outcome="retrying"}') ?? 0) >= 1,
      'a webhook attempt in /metrics',
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.body;
    expect(families(text)).toEqual(
      expect.arrayContaining([
        'scene_queue_jobs',
        'scene_executions',
        'scene_capture_step_duration_seconds',
        'scene_diff_duration_seconds',
        'scene_webhook_delivery_attempts_total',
        'scene_http_request_duration_seconds',
        // prom-client's default process metrics
        'process_cpu_user_seconds_total',
        'process_resident_memory_bytes',
        'nodejs_eventloop_lag_seconds',
      ]),
    );
    expect(sample(text, 'scene_queue_jobs{queue="in-process",state="waiting"}')).toBe(0);
    expect(sample(text, 'scene_queue_jobs{queue="in-process",state="active"}')).toBe(0);
    expect(sample(text, 'scene_executions{status="finished"}')).toBe(4);
    expect(sample(text, 'scene_executions{status="running"}')).toBe(0);
    // Every capture logs its navigation and screenshot with their durations.
    expect(sample(text, 'scene_capture_step_duration_seconds_count{step="navigate"}')).toBe(4);
    expect(sample(text, 'scene_capture_step_duration_seconds_count{step="screenshot"}')).toBe(4);
    // The unchanged site compares byte-identical: two comparisons that decoded nothing.
    expect(sample(text, 'scene_diff_duration_seconds_count{result="identical"}')).toBe(2);
    // Requests by route pattern, not by URL: both launches are one series.
    expect(
      sample(
        text,
        'scene_http_request_duration_seconds_count{route="/api/v1/batches/:id/runs",method="POST",status_class="2xx"}',
      ),
    ).toBe(2);
    expect(text).not.toContain(baseline.id);
  });

  it('answers GET /api/v1/version with Scene, Chromium and Node versions and the kinds in use', async () => {
    const response = await api.ok<Record<string, unknown>>('GET', '/version');
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string };
    expect(response).toEqual({
      scene: pkg.version,
      chromium: launchedVersion,
      node: process.versions.node,
      database: 'sqlite',
      queue: 'in-process',
      artifacts: 'disk',
    });
    const doc = await t.server.inject({ url: '/api/v1/openapi.json' });
    const operation = doc.json<{
      paths: Record<string, { get?: { responses: Record<string, unknown> } }>;
    }>().paths['/api/v1/version']?.get;
    expect(operation?.responses['200']).toBeDefined();
  });
});

describe('GET /metrics of scene worker on SCENE_WORKER_PORT (Postgres, Redis)', () => {
  let site: FixtureSite;
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let dataDir: string;
  let server: SceneChild;
  let worker: SceneChild;
  let workerUrl: string;

  beforeAll(async () => {
    site = await startFixtureSite();
    scratch = await createScratchDatabase();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-ops-'));
    const env = {
      SCENE_DATA_DIR: dataDir,
      SCENE_DATABASE_URL: scratch.url,
      SCENE_QUEUE_URL: redisUrl,
      SCENE_LOG_LEVEL: 'info',
    };
    server = await startSceneChild({ ...env, SCENE_EMBEDDED_WORKER: 'false' });
    worker = await startSceneChild({ ...env, SCENE_WORKER_PORT: '0' }, 'worker');
    const port = /"healthPort":(\d+)/.exec(worker.output())?.[1];
    expect(port, 'the worker names its port').toBeDefined();
    workerUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await worker?.kill();
    await server?.kill();
    await scratch?.drop();
    await site?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the shared queue depth, executions and the capture durations of its own captures', async () => {
    const project = await okScene<{ id: string }>(server, 'POST', '/projects', { name: 'ops' });
    const page = await okScene<{ id: string }>(server, 'POST', `/projects/${project.id}/pages`, {
      name: 'home',
      url: site.url + fixturePaths.home,
    });
    const batch = await okScene<{ id: string }>(server, 'POST', `/projects/${project.id}/batches`, {
      name: 'batch',
      pageIds: [page.id],
      browsers: ['chromium'],
      viewports: ['desktop', 'mobile'],
    });
    const run = await okScene<Run>(server, 'POST', `/batches/${batch.id}/runs`, {
      mode: 'baseline',
    });
    await pollUntil(
      () => okScene<Run>(server, 'GET', `/runs/${run.id}`),
      (r) => r.status === 'finished',
      'the run to finish on the worker',
    );
    const executions = await okScene<{ items: Execution[] }>(
      server,
      'GET',
      `/runs/${run.id}/executions`,
    );
    expect(executions.items.every((e) => e.status === 'finished')).toBe(true);

    const response = await fetch(`${workerUrl}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(sample(text, 'scene_queue_jobs{queue="bullmq",state="waiting"}')).toBe(0);
    expect(sample(text, 'scene_queue_jobs{queue="bullmq",state="active"}')).toBe(0);
    expect(sample(text, 'scene_executions{status="finished"}')).toBe(2);
    expect(sample(text, 'scene_capture_step_duration_seconds_count{step="screenshot"}')).toBe(2);
    expect(families(text)).toContain('process_cpu_user_seconds_total');
    // The server ran no capture: its histogram has no observation.
    const served = await (await fetch(`${server.url}/metrics`)).text();
    expect(sample(served, 'scene_executions{status="finished"}')).toBe(2);
    expect(served).not.toContain('scene_capture_step_duration_seconds_count{');

    // No browser in the server: the version comes from the executable's --version.
    const version = await okScene<Record<string, unknown>>(server, 'GET', '/version');
    expect(version).toMatchObject({ database: 'postgres', queue: 'bullmq', artifacts: 'disk' });
    expect(version.chromium).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });
});
