import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Run } from '../../src/runs/run.schema.ts';
import { fixturePaths, startFixtureSite, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import {
  callScene,
  okScene,
  pollUntil,
  startSceneChild,
  type SceneChild,
} from '../support/scene-child.ts';

// Issue #10, finding 1: cancelling a run or deleting its project while captures are busy
// with heavy pages used to kill `scene serve` (an uncaught playwright-core error). Here a real
// `bin/scene serve` child runs 30 rounds of launch -> random delay -> cancel the run, delete
// its project or delete its batch; after every round the process must be alive and answer
// /healthz, and at the end every run that still exists must be terminal.

const rounds = Number(process.env.SOAK_ROUNDS ?? 30);
/** Printed, and settable, so a failing sequence of delays can be replayed. */
const seed = Number(process.env.SOAK_SEED ?? Date.now() % 2 ** 31);
const maxDelayMs = 2500;
const runTimeoutSeconds = 40;

const heavyPages = [
  ['20 MB image', fixturePaths.heavyImage],
  ['very tall', fixturePaths.veryTall],
  ['popups', fixturePaths.popup],
  ['many slow subresources', fixturePaths.manySlow],
] as const;

type Interruption = 'cancel run' | 'delete project' | 'delete batch';
const interruptions: Interruption[] = ['cancel run', 'delete project', 'delete batch'];

/** mulberry32: a small seeded generator, so a run of this test can be repeated exactly. */
function seededRandom(start: number): () => number {
  let state = start >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

describe('cancel/delete soak: scene serve survives interruptions of heavy captures', () => {
  let site: FixtureSite;
  let dataDir: string;
  let scene: SceneChild;

  beforeAll(async () => {
    site = await startFixtureSite();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-soak-'));
    scene = await startSceneChild({ SCENE_DATA_DIR: dataDir, SCENE_LOG_LEVEL: 'info' });
    await okScene(scene, 'PATCH', '/settings', {
      maxConcurrentExecutions: 4,
      executionTimeoutSeconds: 20,
      runTimeoutSeconds,
    });
  });

  afterAll(async () => {
    await scene?.kill();
    await site?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it(`${rounds} rounds of launch, random delay, cancel or delete: alive after each, every run ends`, async () => {
    // Whatever fails (an assertion, or a call to a server that died), show how the server ended.
    onTestFailed(() => {
      console.error(`seed ${seed}; server output (end):\n${scene.output().slice(-8000)}`);
    });
    const random = seededRandom(seed);
    const runIds: string[] = [];
    const context = (round: number, what: Interruption, delayMs: number): string =>
      `seed ${seed}, round ${round + 1} (${what} after ${delayMs} ms); server output:\n` +
      scene.output().slice(-6000);

    for (let round = 0; round < rounds; round++) {
      const what = interruptions[round % interruptions.length] ?? 'cancel run';
      const delayMs = Math.floor(random() * maxDelayMs);
      const project = await okScene<{ id: string }>(scene, 'POST', '/projects', {
        name: `soak ${round + 1}`,
      });
      const pageIds: string[] = [];
      for (const [name, pagePath] of heavyPages) {
        const page = await okScene<{ id: string }>(scene, 'POST', `/projects/${project.id}/pages`, {
          name,
          url: `${site.url}${pagePath}?round=${round}`,
        });
        pageIds.push(page.id);
      }
      const batch = await okScene<{ id: string }>(
        scene,
        'POST',
        `/projects/${project.id}/batches`,
        { name: 'heavy', pageIds, browsers: ['chromium'], viewports: ['desktop', 'mobile'] },
      );
      const run = await okScene<Run>(scene, 'POST', `/batches/${batch.id}/runs`, {
        mode: 'baseline',
      });
      runIds.push(run.id);

      await new Promise((resolve) => setTimeout(resolve, delayMs));
      const interrupted =
        what === 'cancel run'
          ? await callScene(scene, 'POST', `/runs/${run.id}/cancel`)
          : what === 'delete project'
            ? await callScene(scene, 'DELETE', `/projects/${project.id}`)
            : await callScene(scene, 'DELETE', `/batches/${batch.id}`);
      // 409: the run had already ended (nothing to cancel); fine for a soak.
      expect([200, 202, 204, 409], context(round, what, delayMs)).toContain(interrupted.status);

      // Give the aborted captures' teardown a moment to run into whatever it runs into.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(scene.alive(), context(round, what, delayMs)).toBe(true);
      const health = await fetch(`${scene.url}/healthz`).catch((error: unknown) => error);
      expect(health instanceof Response && health.status, context(round, what, delayMs)).toBe(200);
    }

    // Every run still present ends within its timeout (the poll is a hang guard).
    for (const runId of runIds) {
      const { status } = await callScene<Run>(scene, 'GET', `/runs/${runId}`);
      if (status === 404) continue; // deleted with its project or batch
      const run = await pollUntil(
        async () => (await okScene<Run>(scene, 'GET', `/runs/${runId}`)).status,
        (runStatus) => ['finished', 'failed', 'cancelled'].includes(runStatus),
        `run ${runId} to end (seed ${seed})`,
        (runTimeoutSeconds + 30) * 1000,
      );
      expect(['finished', 'failed', 'cancelled']).toContain(run);
    }
    expect(scene.alive()).toBe(true);
    const guarded = scene.output().match(/already disposed \(a context closed mid-call\)/g) ?? [];
    console.info(
      `cancel soak: seed ${seed}, ${rounds} rounds, ${runIds.length} runs; ` +
        `${guarded.length} playwright message(s) about disposed objects dropped by the guard`,
    );
    // Nothing reached the process's last-resort handlers: each fault was handled where it arose.
    expect(scene.output()).not.toMatch(/unhandled promise rejection|uncaught exception/i);
  }, 420_000);
});
