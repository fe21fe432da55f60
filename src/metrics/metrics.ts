import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type CounterConfiguration,
} from 'prom-client';
import type { AppContext } from '../app-context.ts';
import type { ExecutionStatus } from '../shared/domain.ts';
import { countExecutionsByStatus } from './metrics.repository.ts';

// Prometheus metrics of a Scene process (`GET /metrics` of `scene serve`, and of `scene worker`
// on SCENE_WORKER_PORT). Durations and outcomes are recorded as they happen, by one-line hooks
// in the runs, webhooks and http layers (the capture and diff engines import nothing from
// here); queue depth and executions by status are read at scrape time. Units: seconds (the
// Prometheus convention), though Scene's logs speak milliseconds.

/** Recorded since the process started: shared by every app in this process (tests run several). */
const processRegistry = new Registry();
let defaultMetricsStarted = false;

const captureStepSeconds = new Histogram({
  name: 'scene_capture_step_duration_seconds',
  help: 'Duration of the timed steps of captures (navigate, action, readiness, screenshot, …), from the capture log',
  labelNames: ['step'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [processRegistry],
});

const diffSeconds = new Histogram({
  name: 'scene_diff_duration_seconds',
  help: 'Duration of comparisons with the baseline image, by result (identical: equal hashes, no decoding; computed: pixels compared; no_baseline: nothing to compare)',
  labelNames: ['result'] as const,
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [processRegistry],
});

const webhookAttempts = new Counter({
  name: 'scene_webhook_delivery_attempts_total',
  help: 'Webhook delivery attempts by outcome (succeeded, retrying, failed: given up, released: interrupted by shutdown, claim-lost)',
  labelNames: ['outcome'] as const,
  registers: [processRegistry],
} satisfies CounterConfiguration<'outcome'>);

const retentionBytesFreed = new Counter({
  name: 'scene_retention_bytes_freed_total',
  help: 'Bytes of artifacts removed by retention (its periodic pass and runs started through the API)',
  registers: [processRegistry],
});

const httpRequestSeconds = new Histogram({
  name: 'scene_http_request_duration_seconds',
  help: 'HTTP request durations by route pattern, method and status class (event streams last as long as the client stays)',
  labelNames: ['route', 'method', 'status_class'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [processRegistry],
});

/** Steps come from capture code, but a label must never take unbounded values. */
const stepPattern = /^[a-z][a-z-]{0,31}$/;

/** A capture log line (runs/execute.ts onLog): its duration, when it carries one. */
export function observeCaptureStep(line: { step: string; durationMs?: number }): void {
  if (line.durationMs === undefined) return;
  const step = stepPattern.test(line.step) ? line.step : 'other';
  captureStepSeconds.observe({ step }, line.durationMs / 1000);
}

export type DiffResult = 'identical' | 'computed' | 'no_baseline';

/** Times `compare` (a comparison with the baseline) and records it under the result it gives. */
export async function timeComparison<T>(
  compare: () => Promise<T>,
  resultOf: (value: T) => DiffResult,
): Promise<T> {
  const started = performance.now();
  const value = await compare();
  diffSeconds.observe({ result: resultOf(value) }, (performance.now() - started) / 1000);
  return value;
}

export function countRetentionBytesFreed(bytes: number): void {
  if (bytes > 0) retentionBytesFreed.inc(bytes);
}

export function countWebhookAttempt(outcome: string): void {
  webhookAttempts.inc({ outcome });
}

/** One answered HTTP request; `route` is the route's pattern (e.g. /api/v1/runs/:id), not its URL. */
export function observeHttpRequest(
  route: string | undefined,
  method: string,
  statusCode: number,
  elapsedMs: number,
): void {
  httpRequestSeconds.observe(
    {
      route: route ?? 'unmatched',
      method,
      status_class: `${Math.floor(statusCode / 100)}xx`,
    },
    elapsedMs / 1000,
  );
}

const executionStatuses: readonly ExecutionStatus[] = [
  'queued',
  'running',
  'finished',
  'failed',
  'cancelled',
];

/**
 * The text exposition of this process's metrics plus the gauges read now for `ctx`: jobs in
 * the queue by state and executions by status. Gauges are built per scrape (in a registry of
 * their own), so two apps in one process never see each other's values.
 */
export async function renderMetrics(ctx: Pick<AppContext, 'db' | 'queue' | 'logger'>): Promise<{
  contentType: string;
  body: string;
}> {
  if (!defaultMetricsStarted) {
    // Started by the first scrape, not at import: the hooks above load this module in every
    // process, tests included, and only those that serve /metrics need the process metrics.
    defaultMetricsStarted = true;
    collectDefaultMetrics({ register: processRegistry });
  }
  const scrape = new Registry();
  const queueJobs = new Gauge({
    name: 'scene_queue_jobs',
    help: 'Jobs in the execution queue by state (BullMQ: the shared queue in Redis; in-process: this process)',
    labelNames: ['queue', 'state'] as const,
    registers: [scrape],
  });
  const executions = new Gauge({
    name: 'scene_executions',
    help: 'Executions in the database by status',
    labelNames: ['status'] as const,
    registers: [scrape],
  });
  const [depth, counts] = await Promise.allSettled([
    ctx.queue.depth(),
    countExecutionsByStatus(ctx.db),
  ]);
  if (depth.status === 'fulfilled') {
    for (const [state, jobs] of Object.entries(depth.value)) {
      queueJobs.set({ queue: ctx.queue.kind, state }, jobs);
    }
  } else {
    ctx.logger.warn({ err: depth.reason }, 'metrics: the queue did not tell its depth');
  }
  if (counts.status === 'fulfilled') {
    for (const status of executionStatuses) executions.set({ status }, 0);
    for (const { status, count } of counts.value) executions.set({ status }, count);
  } else {
    ctx.logger.warn({ err: counts.reason }, 'metrics: could not count executions');
  }
  const merged = Registry.merge([processRegistry, scrape]);
  return { contentType: merged.contentType, body: await merged.metrics() };
}
