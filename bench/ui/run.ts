/**
 * Server time to render the runs dashboard and a run detail page with 1000 runs of 50
 * executions each in the database (SQLite). Prints medians and p95s; not a test.
 *
 *   npx tsx bench/ui/run.ts [--runs 1000] [--executions 50] [--iterations 40]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createApp } from '../../src/app.ts';
import { createBatch } from '../../src/batches/batches.service.ts';
import { loadConfig } from '../../src/config/config.ts';
import { buildServer } from '../../src/http/server.ts';
import { createPage } from '../../src/pages/pages.service.ts';
import { createProject } from '../../src/projects/projects.service.ts';
import { launchRun } from '../../src/runs/launch-run.ts';
import { insertRunLogLines } from '../../src/runs/run-log.repository.ts';
import { updateGlobalSettings } from '../../src/settings/settings.service.ts';
import { createLogger } from '../../src/shared/logger.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000' },
    executions: { type: 'string', default: '50' },
    iterations: { type: 'string', default: '40' },
  },
});
const runCount = Number(args.runs);
const executionsPerRun = Number(args.executions);
const iterations = Number(args.iterations);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-bench-ui-'));
const config = loadConfig({ SCENE_DATA_DIR: dataDir, SCENE_LOG_LEVEL: 'warn' });
const app = await createApp(config, createLogger('warn'));
const server = await buildServer(app);
await server.ready();

try {
  // Seed through the services: pages × viewports = executions per run.
  const viewportCount = 2;
  const pageCount = Math.ceil(executionsPerRun / viewportCount);
  await updateGlobalSettings(
    app,
    {
      viewports: [
        { name: 'desktop', width: 1280, height: 800 },
        { name: 'mobile', width: 390, height: 844 },
      ],
    },
    'bench',
  );
  const project = await createProject(app, { name: 'Bench shop' }, 'bench');
  const pageIds: string[] = [];
  for (let i = 0; i < pageCount; i++) {
    const page = await createPage(
      app,
      project.id,
      { name: `Page ${i + 1}`, url: `https://shop.example/p/${i}` },
      'bench',
    );
    pageIds.push(page.id);
  }
  const batch = await createBatch(
    app,
    project.id,
    {
      name: 'Nightly',
      pageIds,
      browsers: ['chromium'],
      viewports: ['desktop', 'mobile'],
      jiraIssue: 'SHOP-1',
    },
    'bench',
  );

  const seedStart = performance.now();
  const first = await launchRun(app, batch.id, { mode: 'baseline' }, 'bench');
  const runIds = [first.id];
  for (let i = 1; i < runCount; i++) {
    const run = await launchRun(
      app,
      batch.id,
      { mode: 'compare', baselineId: first.baselineId ?? '' },
      'bench',
    );
    runIds.push(run.id);
  }
  // Every run ended with a mix of outcomes, as a dashboard would show them.
  const levels = ['none', 'none', 'none', 'minor', 'major'] as const;
  await app.db.transaction().execute(async (trx) => {
    const executions = await trx.selectFrom('executions').select(['id', 'position']).execute();
    for (const execution of executions) {
      const level = levels[execution.position % levels.length] ?? 'none';
      await trx
        .updateTable('executions')
        .set({
          status: execution.position % 17 === 0 ? 'failed' : 'finished',
          started_at: new Date(Date.now() - 60_000).toISOString(),
          finished_at: new Date().toISOString(),
          diff_level: level,
          diff_percent: level === 'none' ? 0 : level === 'minor' ? 0.05 : 2.5,
          diff_pixels: level === 'none' ? 0 : level === 'minor' ? 500 : 25_000,
          error: execution.position % 17 === 0 ? 'navigation failed: HTTP 500' : null,
        })
        .where('id', '=', execution.id)
        .execute();
    }
    await trx
      .updateTable('runs')
      .set({
        status: 'failed',
        started_at: new Date(Date.now() - 60_000).toISOString(),
        finished_at: new Date().toISOString(),
      })
      .execute();
  });
  const detailRunId = runIds.at(-1) ?? first.id;
  await insertRunLogLines(
    app.db,
    detailRunId,
    Array.from({ length: 300 }, (_, i) => ({
      at: new Date().toISOString(),
      level: 'info' as const,
      kind: 'step',
      message: `Page ${(i % pageCount) + 1} · chromium · desktop: step ${i} (12 ms)`,
    })),
  );
  const seedSeconds = (performance.now() - seedStart) / 1000;

  async function measure(label: string, url: string): Promise<void> {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < iterations + 5; i++) {
      const start = performance.now();
      const response = await server.inject({ url });
      const elapsed = performance.now() - start;
      if (response.statusCode !== 200) throw new Error(`${url}: HTTP ${response.statusCode}`);
      bytes = response.body.length;
      if (i >= 5) times.push(elapsed);
    }
    times.sort((a, b) => a - b);
    const at = (q: number) =>
      times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? NaN;
    const verdict = at(0.5) < 100 ? 'under the 100 ms target' : 'OVER the 100 ms target';
    console.log(
      `${label.padEnd(40)} median ${at(0.5).toFixed(1).padStart(6)} ms   p95 ${at(0.95).toFixed(1).padStart(6)} ms   ${(bytes / 1024).toFixed(0).padStart(4)} KiB   ${verdict}`,
    );
  }

  console.log(
    `Scene UI render times (server, in-process inject; SQLite) — ${runCount} runs × ${executionsPerRun} executions = ${runCount * executionsPerRun} executions, seeded in ${seedSeconds.toFixed(1)} s; ${iterations} iterations after 5 warm-up`,
  );
  await measure('runs dashboard  GET /runs', '/runs');
  await measure('runs list (live refresh fragment)', '/runs/list');
  await measure('project runs tab', `/projects/${project.id}/runs`);
  await measure('run detail  GET /runs/:id', `/runs/${detailRunId}`);
  const execution = await app.db
    .selectFrom('executions')
    .select('id')
    .where('run_id', '=', detailRunId)
    .orderBy('position')
    .executeTakeFirstOrThrow();
  await measure('execution viewer  GET /executions/:id', `/executions/${execution.id}`);
} finally {
  await server.close();
  await app.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
