import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Execution, Run, RunLogLine } from '../../src/runs/run.schema.ts';
import { fixturePaths, startFixtureSite, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import { okScene, pollUntil, startSceneChild, type SceneChild } from '../support/scene-child.ts';

// `bin/scene serve` as a child process on a temporary data directory: killed (SIGKILL) or
// stopped (SIGTERM) while executions run, then started again; the run must finish. A second
// `scene serve` started on the same data while the first runs captures must not disturb them.

type Server = SceneChild;

function startServer(dataDir: string, env: Record<string, string> = {}): Promise<Server> {
  return startSceneChild({
    SCENE_DATA_DIR: dataDir,
    SCENE_LOG_LEVEL: 'info',
    // A killed process's captures are taken over once their lease expires.
    SCENE_EXECUTION_LEASE_SECONDS: '3',
    ...env,
  });
}

const call = okScene;

/**
 * Each test starts one or two `scene serve` children (20-30 s each on this loaded 2-core
 * machine) and waits on captures: the 60 s default was exceeded by the EADDRINUSE test.
 */
const testTimeoutMs = 240_000;

describe('a server killed or stopped mid-run finishes the run after a restart', () => {
  let site: FixtureSite;
  let dataDir: string;
  let server: Server | undefined;
  let batchId: string;

  beforeAll(async () => {
    site = await startFixtureSite();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-crash-'));
    server = await startServer(dataDir);
    await call(server, 'PATCH', '/settings', { maxConcurrentExecutions: 2 });
    const project = await call<{ id: string }>(server, 'POST', '/projects', { name: 'crash' });
    const pageIds: string[] = [];
    for (let n = 1; n <= 6; n++) {
      // /slow answers after 1.5 s: executions are reliably in flight when the process dies.
      const page = await call<{ id: string }>(server, 'POST', `/projects/${project.id}/pages`, {
        name: `slow ${n}`,
        url: `${site.url}${fixturePaths.slow}?n=${n}`,
      });
      pageIds.push(page.id);
    }
    const batch = await call<{ id: string }>(server, 'POST', `/projects/${project.id}/batches`, {
      name: 'slow pages',
      pageIds,
      browsers: ['chromium'],
      viewports: ['desktop'],
    });
    batchId = batch.id;
  });

  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    await site.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function launchAndInterrupt(
    signal: 'SIGKILL' | 'SIGTERM',
  ): Promise<{ run: Run; interrupted: string[] }> {
    if (!server) throw new Error('no server');
    const current = server;
    const run = await call<Run>(current, 'POST', `/batches/${batchId}/runs`, { mode: 'baseline' });
    const executions = await pollUntil(
      async () =>
        (await call<{ items: Execution[] }>(current, 'GET', `/runs/${run.id}/executions`)).items,
      (items) => items.filter((e) => e.status === 'running').length === 2,
      'two running executions',
    );
    current.child.kill(signal);
    const code = await current.exited;
    if (signal === 'SIGTERM') expect(code).toBe(0);
    return { run, interrupted: executions.filter((e) => e.status === 'running').map((e) => e.id) };
  }

  async function finishAfterRestart(
    runId: string,
  ): Promise<{ run: Run; executions: Execution[]; log: RunLogLine[] }> {
    server = await startServer(dataDir);
    const current = server;
    const run = await pollUntil(
      () => call<Run>(current, 'GET', `/runs/${runId}`),
      (r) => r.status === 'finished' || r.status === 'failed' || r.status === 'cancelled',
      'the run to end',
    );
    const executions = (
      await call<{ items: Execution[] }>(current, 'GET', `/runs/${runId}/executions`)
    ).items;
    const log = (
      await call<{ items: RunLogLine[] }>(current, 'GET', `/runs/${runId}/log?limit=5000`)
    ).items;
    return { run, executions, log };
  }

  it(
    'SIGKILL: executions left running are taken over once their lease expires and the run finishes',
    async () => {
      const { run, interrupted } = await launchAndInterrupt('SIGKILL');
      const after = await finishAfterRestart(run.id);
      expect(after.run).toMatchObject({
        status: 'finished',
        summary: { finished: 6, running: 0, queued: 0 },
      });
      expect(after.executions.every((e) => e.status === 'finished')).toBe(true);
      for (const id of interrupted) {
        // The killed attempt counts: the re-run is attempt 2.
        expect(after.executions.find((e) => e.id === id)?.attempt).toBe(2);
        expect(after.log.some((l) => l.kind === 'recovery' && l.executionId === id)).toBe(true);
      }
    },
    testTimeoutMs,
  );

  it(
    'SIGTERM: running executions go back to the queue (not cancelled) and a restart finishes the run',
    async () => {
      const { run, interrupted } = await launchAndInterrupt('SIGTERM');
      const after = await finishAfterRestart(run.id);
      expect(after.run).toMatchObject({ status: 'finished', summary: { finished: 6 } });
      expect(after.run).not.toHaveProperty('cancelReason');
      for (const id of interrupted) {
        // A graceful stop gives the attempt back.
        expect(after.executions.find((e) => e.id === id)?.attempt).toBe(1);
        expect(after.log.some((l) => l.kind === 'interrupted' && l.executionId === id)).toBe(true);
      }
    },
    testTimeoutMs,
  );

  // Two captures that wait 50 s in a page action: they run until their run is cancelled (well
  // within the 60 s execution timeout), however long the second server takes to start on a
  // busy machine.
  async function launchLongCaptures(current: Server): Promise<{ run: Run; running: string[] }> {
    const project = await call<{ id: string }>(current, 'POST', '/projects', {
      name: `long ${Math.random().toString(36).slice(2, 8)}`,
    });
    const pageIds: string[] = [];
    for (const n of [1, 2]) {
      const page = await call<{ id: string }>(current, 'POST', `/projects/${project.id}/pages`, {
        name: `waiting ${n}`,
        url: `${site.url}${fixturePaths.about}?n=${n}`,
        actions: [{ type: 'waitForTimeout', ms: 50_000 }],
      });
      pageIds.push(page.id);
    }
    const batch = await call<{ id: string }>(current, 'POST', `/projects/${project.id}/batches`, {
      name: 'waiting pages',
      pageIds,
      browsers: ['chromium'],
      viewports: ['desktop'],
    });
    const run = await call<Run>(current, 'POST', `/batches/${batch.id}/runs`, {
      mode: 'baseline',
    });
    const executions = await pollUntil(
      async () =>
        (await call<{ items: Execution[] }>(current, 'GET', `/runs/${run.id}/executions`)).items,
      (items) => items.every((e) => e.status === 'running'),
      'both captures running',
    );
    return { run, running: executions.map((e) => e.id) };
  }

  /**
   * The live process keeps its captures: still running their first attempt, with nothing taken
   * over, after more than two lease periods (3 s each) in which the second process's takeover
   * check ran every second. (A wait for something that must not happen has to be bounded.)
   */
  async function expectUndisturbed(current: Server, runId: string): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    const executions = (
      await call<{ items: Execution[] }>(current, 'GET', `/runs/${runId}/executions`)
    ).items;
    expect(
      executions.map((e) => [e.status, e.attempt]),
      JSON.stringify(executions.map((e) => e.error)),
    ).toEqual([
      ['running', 1],
      ['running', 1],
    ]);
    const log = (
      await call<{ items: RunLogLine[] }>(current, 'GET', `/runs/${runId}/log?limit=5000`)
    ).items;
    expect(log.filter((l) => l.kind === 'recovery' || l.kind === 'interrupted')).toEqual([]);
    const cancelled = await call<Run>(current, 'POST', `/runs/${runId}/cancel`);
    expect(cancelled.status).toBe('cancelled');
  }

  it(
    'a second serve on the same data and port fails on EADDRINUSE and touches nothing',
    async () => {
      server = await startServer(dataDir);
      const live = server;
      const { run } = await launchLongCaptures(live);
      const port = new URL(live.url).port;
      const second = await startServer(dataDir, { SCENE_PORT: port }).then(
        (s) => {
          void s.kill();
          throw new Error('the second server started on a port in use');
        },
        (error: unknown) => String(error),
      );
      expect(second).toMatch(/EADDRINUSE/);
      await expectUndisturbed(live, run.id);
    },
    testTimeoutMs,
  );

  it(
    'a second serve on the same data and another port leaves the live process its captures',
    async () => {
      if (!server) throw new Error('no server');
      const live = server;
      onTestFailed(() => console.log(`live server output:\n${live.output().slice(-4000)}`));
      const { run } = await launchLongCaptures(live);
      const second = await startServer(dataDir);
      try {
        await expectUndisturbed(live, run.id);
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
      }
    },
    testTimeoutMs,
  );
});
