// BENCH ONLY: a `scene worker` whose capture step is a fixed wait instead of Chromium, to
// measure the orchestration around captures (queue, database, events, artifact writes) with
// as many workers as the bench asks for, on a machine whose cores could not run that many
// real captures at once. It is the real worker in every other respect: createApp, the run
// engine consuming the shared BullMQ queue, leases, recording, events. Started by run.ts with
// the same environment as `scene worker`, plus BENCH_FAKE_CAPTURE_MS.
//
// Nothing in src/ reads this: the replacement is passed in through RunEngineOptions.capture,
// which only this file sets.

import { captureEnvironment } from '../../src/capture/environment.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { createApp } from '../../src/app.ts';
import type { captureExecution } from '../../src/capture/capture-execution.ts';
import type { CaptureLogLine } from '../../src/capture/capture.types.ts';
import { loadConfig } from '../../src/config/config.ts';
import { onShutdown } from '../../src/processes/shutdown.ts';
import { createLogger } from '../../src/shared/logger.ts';

const captureMs = Number(process.env.BENCH_FAKE_CAPTURE_MS ?? '200');

const config = loadConfig();
const logger = createLogger(config.logLevel);
const width = 1280;
const height = 800;
const png = await sharp({
  create: { width, height, channels: 3, background: { r: 255, g: 255, b: 255 } },
})
  .png()
  .toBuffer();

/** Waits `captureMs`, emitting log lines as a real capture does (each is a live event). */
const fakeCapture: typeof captureExecution = async (_pool, request, hooks) => {
  const log: CaptureLogLine[] = [];
  const emit = (step: string, message: string, durationMs: number): void => {
    const line: CaptureLogLine = {
      at: new Date().toISOString(),
      level: 'info',
      step,
      message,
      durationMs,
    };
    log.push(line);
    hooks.onLog?.(line);
  };
  const quarter = captureMs / 4;
  for (const step of ['context', 'navigate', 'readiness']) {
    await sleep(quarter, undefined, { signal: hooks.signal });
    emit(step, `bench: fake ${step}`, quarter);
  }
  await sleep(quarter, undefined, { signal: hooks.signal });
  emit('screenshot', `bench: fake screenshot ${width}x${height}`, quarter);
  return {
    observed: { png, width, height, httpStatus: 200, finalUrl: request.url },
    maskRects: [],
    environment: await captureEnvironment(request, 'bench-fake', []),
    log,
  };
};

const app = await createApp(config, logger, { liveEvents: false });
await app.startRunEngine({ embeddedWorker: true, trace: false, capture: fakeCapture });
logger.info({ captureMs }, 'Scene worker is running (bench: fake capture)');
onShutdown(logger, () => app.close());
