import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobKeyOf, sha256Of } from '../../src/artifacts/artifact-files.ts';
import type { Execution, Run, RunLogLine } from '../../src/runs/run.schema.ts';
import { fixturePaths, startFixtureSite, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import { createScratchDatabase } from '../support/postgres.ts';
import { startS3Server, type S3TestServer } from '../support/s3-server.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { okScene, pollUntil, startSceneChild, type SceneChild } from '../support/scene-child.ts';

// Scale-out with real engines: one `scene serve` without an embedded worker and two `scene
// worker` processes, sharing Postgres (a scratch database), Redis (BullMQ; keys and channels
// namespaced by the scratch database's installation id) and an S3 bucket (s3rver on 127.0.0.1,
// through the real AWS SDK).

const redisUrl = process.env.SCENE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const isTerminal = (status: string) =>
  status === 'finished' || status === 'failed' || status === 'cancelled';

async function redisReachable(): Promise<boolean> {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
    return true;
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** The SSE stream of a run, read until the server closes it. */
async function readEvents(
  server: SceneChild,
  runId: string,
): Promise<{ event: string; data: unknown }[]> {
  const response = await fetch(`${server.url}/api/v1/runs/${runId}/events`);
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('event: '))
    .map((block) => {
      const [eventLine = '', dataLine = ''] = block.split('\n');
      return {
        event: eventLine.slice('event: '.length),
        data: JSON.parse(dataLine.slice('data: '.length)) as unknown,
      };
    });
}

describe(
  'scene serve with two scene workers on Postgres, Redis and S3',
  { timeout: 240_000 },
  () => {
    let site: FixtureSite;
    let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
    let s3: S3TestServer;
    /** Every process reaches Redis through it, so a test can cut Redis off. */
    let redisProxy: TcpProxy;
    let dataDir: string;
    let env: Record<string, string>;
    let server: SceneChild;
    /** A second `scene serve`, as behind a load balancer: it launched nothing itself. */
    let secondServer: SceneChild;
    const workers: SceneChild[] = [];

    beforeAll(async () => {
      if (!(await redisReachable())) {
        throw new Error(
          `Redis is not reachable at ${redisUrl}; start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no`,
        );
      }
      site = await startFixtureSite();
      scratch = await createScratchDatabase();
      s3 = await startS3Server();
      const redis = new URL(redisUrl);
      redisProxy = await startTcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-scale-'));
      env = {
        ...s3.env('scene'),
        SCENE_DATA_DIR: dataDir,
        SCENE_DATABASE_URL: scratch.url,
        SCENE_QUEUE_URL: `redis://127.0.0.1:${redisProxy.port}`,
        SCENE_EXECUTION_LEASE_SECONDS: '3',
        SCENE_LOG_LEVEL: 'info',
      };
      server = await startSceneChild({ ...env, SCENE_EMBEDDED_WORKER: 'false' });
      secondServer = await startSceneChild({ ...env, SCENE_EMBEDDED_WORKER: 'false' });
      await okScene(server, 'PATCH', '/settings', { maxConcurrentExecutions: 2 });
      for (let i = 0; i < 2; i++) workers.push(await startSceneChild(env, 'worker'));
    });

    afterAll(async () => {
      for (const worker of workers) await worker.kill();
      await server?.kill();
      await secondServer?.kill();
      await scratch?.drop();
      await s3?.close();
      await redisProxy?.close();
      await site?.close();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    });

    async function batchOf(name: string, paths: string[]): Promise<string> {
      const project = await okScene<{ id: string }>(server, 'POST', '/projects', { name });
      const pageIds: string[] = [];
      for (const [i, p] of paths.entries()) {
        const page = await okScene<{ id: string }>(
          server,
          'POST',
          `/projects/${project.id}/pages`,
          {
            name: `page ${i}`,
            url: site.url + p,
          },
        );
        pageIds.push(page.id);
      }
      const batch = await okScene<{ id: string }>(
        server,
        'POST',
        `/projects/${project.id}/batches`,
        {
          name: 'batch',
          pageIds,
          browsers: ['chromium'],
          viewports: ['desktop', 'mobile'],
        },
      );
      return batch.id;
    }

    const executionsOf = async (runId: string) =>
      (await okScene<{ items: Execution[] }>(server, 'GET', `/runs/${runId}/executions`)).items;

    /** A 12-cell run of 1.5 s captures, once captures run on both workers. */
    async function launchOnBothWorkers(name: string): Promise<Run> {
      const batchId = await batchOf(
        name,
        Array.from({ length: 6 }, (_, i) => `${fixturePaths.slow}?ms=1500&${name}=${i}`),
      );
      const run = await okScene<Run>(server, 'POST', `/batches/${batchId}/runs`, {
        mode: 'baseline',
      });
      await pollUntil(
        () => executionsOf(run.id),
        (items) => items.filter((e) => e.status === 'running').length >= 3,
        'captures running on both workers',
      );
      return run;
    }

    const runEnded = (runId: string) =>
      pollUntil(
        () => okScene<Run>(server, 'GET', `/runs/${runId}`),
        (r) => isTerminal(r.status),
        'the run to end',
      );

    it('runs a 16-cell batch to the end on the workers; both servers stream every execution', async () => {
      const batchId = await batchOf(
        'sixteen',
        Array.from({ length: 8 }, (_, i) => `${fixturePaths.slow}?ms=${300 + 50 * i}&n=${i}`),
      );
      const run = await okScene<Run>(server, 'POST', `/batches/${batchId}/runs`, {
        mode: 'baseline',
      });
      // The server that launched it and a second one (as behind a load balancer) stream it.
      const streams = await Promise.all([server, secondServer].map((s) => readEvents(s, run.id)));
      const ended = await okScene<Run>(server, 'GET', `/runs/${run.id}`);
      expect(ended).toMatchObject({ status: 'finished', summary: { total: 16, finished: 16 } });
      const executions = await executionsOf(run.id);
      // Every execution's progress reached both streams, live from the workers: each is last
      // seen finished, and captures were seen running. (Listeners load the state a notice names
      // when they receive it, so a short capture may already be finished by then.)
      const statesSeen = streams.map((events) => {
        expect(events.at(-1)?.event).toBe('summary');
        const snapshot = events.find((e) => e.event === 'snapshot')?.data as {
          executions: Execution[];
        };
        const states = [
          ...snapshot.executions,
          ...events
            .filter((e) => e.event === 'execution')
            .map((e) => (e.data as { execution: Execution }).execution),
        ];
        expect(states.some((e) => e.status === 'running')).toBe(true);
        return states;
      });
      // Every screenshot is served through the API (by either server) and stored as an object
      // in the bucket (images once per content, under their hash), none on the processes' disks.
      for (const execution of executions) {
        for (const states of statesSeen) {
          const seen = states.filter((e) => e.id === execution.id).map((e) => e.status);
          expect(seen.at(-1)).toBe('finished');
        }
        const shot = await fetch(`${secondServer.url}${execution.artifacts.screenshot ?? ''}`);
        expect(shot.status).toBe(200);
        expect(shot.headers.get('content-type')).toBe('image/png');
        const sha256 = sha256Of(Buffer.from(await shot.arrayBuffer()));
        const object = path.join(s3.directory, s3.bucket, 'scene', blobKeyOf(sha256, 'png'));
        expect(fs.existsSync(`${object}._S3rver_object`)).toBe(true);
      }
      expect(fs.existsSync(path.join(dataDir, 'artifacts'))).toBe(false);
      // No capture ran in the server (it has no embedded worker): every one ran once, on a worker.
      expect(executions.every((e) => e.attempt === 1)).toBe(true);
    });

    it('a cancel on either server aborts the captures running on the workers', async () => {
      // Hung pages never answer: only an abort frees the workers' capture slots.
      const hungBatch = await batchOf(
        'hung',
        [1, 2].map((n) => `${fixturePaths.hung}?n=${n}`),
      );
      const hung = await okScene<Run>(server, 'POST', `/batches/${hungBatch}/runs`, {
        mode: 'baseline',
      });
      await pollUntil(
        () => executionsOf(hung.id),
        (items) => items.filter((e) => e.status === 'running').length === 4,
        'four hung captures running on the workers',
      );
      // Cancelled through the other server than the one that launched it.
      await okScene(secondServer, 'POST', `/runs/${hung.id}/cancel`);
      // With every slot held by a hung capture (2 workers × 2), a new run progresses only if the
      // cancel reached the workers and aborted them (the execution timeout is 60 s; this waits
      // at most 30 s).
      const quick = await batchOf('quick', [fixturePaths.about]);
      const next = await okScene<Run>(server, 'POST', `/batches/${quick}/runs`, {
        mode: 'baseline',
      });
      const done = await pollUntil(
        () => okScene<Run>(server, 'GET', `/runs/${next.id}`),
        (r) => isTerminal(r.status),
        'the next run to end',
        30_000,
      );
      expect(done.status).toBe('finished');
    });

    it('a run launched while Redis is down is accepted and runs once Redis is back', async () => {
      const batchId = await batchOf(
        'redis-down',
        [fixturePaths.about, fixturePaths.products].map((p, i) => `${p}?redis=${i}`),
      );
      await redisProxy.cut();
      let run: Run;
      try {
        // The executions are queued in the database; the queue gets them once it answers again.
        run = await okScene<Run>(server, 'POST', `/batches/${batchId}/runs`, { mode: 'baseline' });
        expect(run.status).toBe('queued');
      } finally {
        await redisProxy.restore();
      }
      const ended = await pollUntil(
        () => okScene<Run>(server, 'GET', `/runs/${run.id}`),
        (r) => isTerminal(r.status),
        'the run to end',
        120_000,
      );
      expect(ended).toMatchObject({ status: 'finished', summary: { total: 4, finished: 4 } });
    });

    it('kill -9 of a worker mid-run: the other takes its captures over and the run finishes', async () => {
      const run = await launchOnBothWorkers('killed');
      const victim = workers.shift();
      await victim?.kill();
      const ended = await runEnded(run.id);
      expect(ended).toMatchObject({
        status: 'finished',
        summary: { total: 12, finished: 12, running: 0 },
      });
      const executions = await executionsOf(run.id);
      // The killed worker's captures ran again (attempt 2); nothing ran a third time.
      expect(executions.every((e) => e.attempt === 1 || e.attempt === 2)).toBe(true);
      expect(executions.some((e) => e.attempt === 2)).toBe(true);
    });

    it('SIGTERM of a worker mid-run: it exits at once and hands its captures back, no attempt lost', async () => {
      // Two live workers (the previous test killed one).
      while (workers.length < 2) workers.push(await startSceneChild(env, 'worker'));
      const run = await launchOnBothWorkers('stopped');
      const stopped = workers.shift();
      stopped?.child.kill('SIGTERM');
      expect(await stopped?.exited).toBe(0);
      const ended = await runEnded(run.id);
      expect(ended).toMatchObject({ status: 'finished', summary: { total: 12, finished: 12 } });
      const log = (
        await okScene<{ items: RunLogLine[] }>(server, 'GET', `/runs/${run.id}/log?limit=5000`)
      ).items;
      const handedBack = new Set(
        log.filter((l) => l.kind === 'interrupted').map((l) => l.executionId),
      );
      // The stopped worker's captures were handed back (not left to a lease expiry, which
      // would count a lost attempt) and ran again on the other worker as the same attempt.
      expect(handedBack.size).toBeGreaterThan(0);
      expect(log.some((l) => l.kind === 'recovery')).toBe(false);
      expect((await executionsOf(run.id)).every((e) => e.attempt === 1)).toBe(true);
    });
  },
);

describe('scene serve refuses a queue it cannot use', () => {
  it('an unreachable Redis stops the start with a message naming it', async () => {
    const scratch = await createScratchDatabase();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-noredis-'));
    try {
      const failure = await startSceneChild({
        SCENE_DATA_DIR: dataDir,
        SCENE_DATABASE_URL: scratch.url,
        SCENE_QUEUE_URL: 'redis://127.0.0.1:1',
      }).then(
        async (child) => {
          await child.kill();
          return 'started';
        },
        (error: unknown) => String(error),
      );
      expect(failure).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(SCENE_QUEUE_URL\)/);
    } finally {
      await scratch.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
