import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../src/client/scene-client.ts';
import { fixturePaths, startFixtureSite, type FixtureSite } from '../fixtures/site/fixture-site.ts';
import { createScratchDatabase } from '../support/postgres.ts';
import { clientOf, pollUntil, startSceneChild, type SceneChild } from '../support/scene-child.ts';

interface Fire {
  fireAt: string;
  outcome: 'claimed' | 'launched' | 'skipped' | 'failed';
  runId?: string;
  detail?: string;
  claimedBy: string;
}

// A seconds-level schedule with two `scene serve` processes sharing one Postgres database:
// every fire time is launched (or skipped) once, by one of them.

describe('scheduled runs with two Scene processes', { timeout: 240_000 }, () => {
  let site: FixtureSite;
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let dataDir: string;
  const scenes: SceneChild[] = [];

  beforeAll(async () => {
    site = await startFixtureSite();
    scratch = await createScratchDatabase();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-schedules-'));
    const env = {
      SCENE_DATABASE_URL: scratch.url,
      SCENE_DATA_DIR: dataDir,
      SCENE_LOG_LEVEL: 'info',
    };
    scenes.push(await startSceneChild(env));
    scenes.push(await startSceneChild(env));
  });

  afterAll(async () => {
    for (const scene of scenes) await scene.kill();
    await scratch?.drop();
    await site?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('fires each tick exactly once, skipping while the previous scheduled run still runs', async () => {
    const [a, b] = scenes.map(clientOf);
    if (!a || !b) throw new Error('two scenes expected');
    const project = await a.createProject({ name: 'monitoring' });
    const page = await a.createPage(project.id, {
      name: 'Home',
      url: site.url + fixturePaths.home,
    });
    const batch = await a.createBatch(project.id, {
      name: 'prod',
      pageIds: [page.id],
      browsers: ['chromium'],
      viewports: ['desktop'],
    });
    // Scheduled compare runs compare against a baseline: record one first.
    const baseline = await a.launchRun(batch.id, { mode: 'baseline' });
    await pollUntil(
      () => a.getRun(baseline.id),
      (run) => run.status === 'finished',
      'the baseline run',
    );
    // Created through the other process: the schedule lives in the database, not in a process.
    const schedule = await b.ok<{ id: string; nextFireAt: string }>(
      'POST',
      `/batches/${batch.id}/schedules`,
      { cron: '*/2 * * * * *', timezone: 'UTC' },
    );
    expect(Date.parse(schedule.nextFireAt) % 2000).toBe(0);

    const fires = async () =>
      (await a.ok<{ items: Fire[] }>('GET', `/schedules/${schedule.id}/fires`)).items;
    await pollUntil(
      fires,
      (items) => items.filter((f) => f.outcome === 'launched').length >= 3,
      'three launched scheduled runs',
      150_000,
    );
    await a.ok('PATCH', `/schedules/${schedule.id}`, { active: false });
    const runs = await pollUntil(
      async () =>
        (await a.listAll<Run>(`/runs?batchId=${batch.id}`)).filter((r) => r.id !== baseline.id),
      (items) => items.every((r) => r.status !== 'queued' && r.status !== 'running'),
      'the scheduled runs to end',
    );
    const final = await fires();

    // One fire row per fire time (the claim), each on the schedule's 2-second grid.
    const times = final.map((f) => f.fireAt);
    expect(new Set(times).size).toBe(times.length);
    for (const time of times) expect(Date.parse(time) % 2000).toBe(0);
    // Exactly one run per launched fire: no process launched a fire another one claimed.
    const launched = final.filter((f) => f.outcome === 'launched');
    expect(runs.map((r) => r.id).sort()).toEqual(launched.map((f) => f.runId).sort());
    expect(runs.every((r) => r.mode === 'compare')).toBe(true);
    expect(final.filter((f) => f.outcome === 'failed')).toEqual([]);
    // A skipped fire says why, and so does the log of the process that skipped it.
    for (const skipped of final.filter((f) => f.outcome === 'skipped')) {
      expect(skipped.detail).toMatch(/previous scheduled run \S+ was still running/);
      expect(scenes.map((s) => s.output()).join('')).toContain('scheduled run skipped');
    }
    // Scheduled runs are audited as launched by the schedule.
    const audit = await a.listAll<{ actor: string; entityType: string; action: string }>(
      `/audit?entityType=run`,
    );
    const created = audit.filter((e) => e.action === 'create');
    const bySchedule = created.filter((e) => e.actor === `schedule ${schedule.id}`);
    expect(bySchedule.length).toBe(runs.length);
  });
});
