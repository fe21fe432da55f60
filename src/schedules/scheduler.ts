import { Cron } from 'croner';
import type { AppContext } from '../app-context.ts';
import { launchRun } from '../runs/launch-run.ts';
import { nowIso } from '../shared/clock.ts';
import type { Schedule } from './schedule.schema.ts';
import {
  claimFire,
  findScheduledRunInFlight,
  listActiveSchedules,
  recordFireOutcome,
} from './schedules.repository.ts';

// Launches the schedules' runs. Every `scene serve` runs one; of several sharing the database,
// exactly one launches each fire: it must first insert the (schedule, fire time) row, which
// the primary key lets only one process do. Fire times come from the cron expression alone, so
// every process computes the same ones. A fire missed while no process ran is not made up.

export interface SchedulerOptions {
  /** How often the schedules are read again (new, changed, removed). Default 1000 ms. */
  pollMs?: number;
}

export interface Scheduler {
  stop(): Promise<void>;
}

/** The latest fire time of the schedule in (after, until], or undefined. */
function latestFireIn(schedule: Schedule, after: Date, until: Date): Date | undefined {
  const cron = new Cron(schedule.cron, { timezone: schedule.timezone, paused: true });
  let latest: Date | undefined;
  let next = cron.nextRun(after);
  // Bounded: a tick covers a second or so; a process that slept long fires the latest only.
  for (let i = 0; next && next <= until && i < 10_000; i++) {
    latest = next;
    next = cron.nextRun(next);
  }
  return latest;
}

async function fire(ctx: AppContext, schedule: Schedule, fireAt: string): Promise<void> {
  const claimed = await claimFire(ctx.db, schedule.id, fireAt, ctx.instanceId, nowIso());
  if (!claimed) return; // another process launches this one
  const log = { scheduleId: schedule.id, batchId: schedule.batchId, fireAt };
  const inFlight = await findScheduledRunInFlight(ctx.db, schedule.batchId);
  if (inFlight !== undefined) {
    await recordFireOutcome(
      ctx.db,
      schedule.id,
      fireAt,
      'skipped',
      null,
      `the previous scheduled run ${inFlight} was still running`,
    );
    ctx.logger.info(
      { ...log, runningRunId: inFlight },
      `scheduled run skipped: the previous scheduled run ${inFlight} of batch ${schedule.batchId} is still running`,
    );
    return;
  }
  try {
    const run = await launchRun(
      ctx,
      schedule.batchId,
      { mode: schedule.mode, ...(schedule.branch !== undefined && { branch: schedule.branch }) },
      `schedule ${schedule.id}`,
    );
    await recordFireOutcome(ctx.db, schedule.id, fireAt, 'launched', run.id, null);
    ctx.logger.info({ ...log, runId: run.id }, `scheduled run ${run.id} launched`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await recordFireOutcome(ctx.db, schedule.id, fireAt, 'failed', null, message);
    ctx.logger.warn({ ...log, err: error }, `scheduled run not launched: ${message}`);
  }
}

export function startScheduler(ctx: AppContext, options: SchedulerOptions = {}): Scheduler {
  const pollMs = options.pollMs ?? 1000;
  let checkedUntil = new Date();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const tick = async (): Promise<number> => {
    const now = new Date();
    let soonest = pollMs;
    try {
      const schedules = await listActiveSchedules(ctx.db);
      for (const schedule of schedules) {
        const due = latestFireIn(schedule, checkedUntil, now);
        if (due) await fire(ctx, schedule, due.toISOString());
        if (schedule.nextFireAt !== null) {
          soonest = Math.min(soonest, Date.parse(schedule.nextFireAt) - Date.now());
        }
      }
      checkedUntil = now;
    } catch (error) {
      ctx.logger.warn({ err: error }, 'scheduler: could not check the schedules; retrying');
    }
    return Math.max(soonest, 10);
  };

  const loop = (delay: number): void => {
    timer = setTimeout(() => {
      running = tick().then((next) => {
        if (!stopped) loop(next);
      });
    }, delay);
    timer.unref();
  };
  loop(0);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
