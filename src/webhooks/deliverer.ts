import type { AppContext } from '../app-context.ts';
import { countWebhookAttempt } from '../metrics/metrics.ts';
import { isoAfter, nowIso } from '../shared/clock.ts';
import { invariant } from '../shared/errors.ts';
import { defaultRetrySchedule, type RetrySchedule } from './backoff.ts';
import { claimDueDeliveries, type ClaimedDelivery } from './deliveries.repository.ts';
import { isOwnAddress, ownAddressMessage } from './own-address.ts';
import { postWebhook } from './post-webhook.ts';
import { recordAttempt } from './record-attempt.ts';
import { signWebhookBody } from './signing.ts';
import { findWebhookTargets, type WebhookTarget } from './webhooks.repository.ts';

/** All durations in ms; tests shorten them, production uses the defaults. */
export interface DelivererOptions {
  /** How often the outbox is polled when nobody kicks (rows written by other processes). */
  pollIntervalMs: number;
  /** At most this many requests in flight. */
  concurrency: number;
  /** Per request: connect, send and response headers (then up to the excerpt of the body). */
  timeoutMs: number;
  /**
   * How long a claim holds a row. Must exceed timeoutMs: a deliverer that dies mid-attempt
   * leaves the row pending, due again when its lease ends.
   */
  leaseMs: number;
  /** Retry a delivery for this long after it was queued, then mark it failed. */
  retryWindowMs: number;
  /** Disable a webhook whose attempts have all failed for this long. */
  disableAfterMs: number;
  retrySchedule: RetrySchedule;
}

const day = 24 * 60 * 60 * 1000;

export function delivererOptions(overrides: Partial<DelivererOptions> = {}): DelivererOptions {
  const timeoutMs = overrides.timeoutMs ?? 10_000;
  const options: DelivererOptions = {
    pollIntervalMs: 500,
    concurrency: 8,
    retryWindowMs: day,
    disableAfterMs: day,
    retrySchedule: defaultRetrySchedule,
    ...overrides,
    timeoutMs,
    leaseMs: overrides.leaseMs ?? timeoutMs + 5_000,
  };
  invariant(options.concurrency >= 1, 'webhook deliverer concurrency must be at least 1');
  invariant(options.leaseMs > options.timeoutMs, 'webhook lease must outlast the request timeout');
  return Object.freeze(options);
}

/**
 * Sends the webhook outbox: claims due pending deliveries, POSTs each signed payload, records
 * every attempt and retries failures with backoff. Rows stay in the database until delivered,
 * so nothing is lost by a crash or restart; claims are leases, so several deliverers (in one or
 * many processes) never send the same attempt twice at once. Delivery is at least once:
 * receivers de-duplicate on the Scene-Delivery header.
 */
export class WebhookDeliverer {
  readonly options: DelivererOptions;
  readonly #ctx: Pick<AppContext, 'config' | 'db' | 'logger' | 'webhookOutbox'>;
  readonly #inFlight = new Map<string, Promise<void>>();
  #running = false;
  #loop: Promise<void> | undefined;
  #kicked = false;
  #wake: (() => void) | undefined;
  #unsubscribe: (() => void) | undefined;
  #shutdown = new AbortController();

  constructor(
    ctx: Pick<AppContext, 'config' | 'db' | 'logger' | 'webhookOutbox'>,
    options: Partial<DelivererOptions> = {},
  ) {
    this.#ctx = ctx;
    this.options = delivererOptions(options);
  }

  get running(): boolean {
    return this.#running;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#shutdown = new AbortController();
    this.#unsubscribe = this.#ctx.webhookOutbox.subscribe(() => this.kick());
    this.#loop = this.#run();
  }

  /** Look at the outbox now instead of at the next poll (e.g. right after a commit). */
  kick(): void {
    this.#kicked = true;
    this.#wake?.();
  }

  /**
   * Stops polling and aborts requests in flight; each interrupted attempt is logged and its
   * delivery released (due at once), so the next deliverer to start sends it without waiting
   * for the lease.
   */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#unsubscribe?.();
    this.#wake?.();
    this.#shutdown.abort(new Error('Scene is shutting down'));
    await this.#loop;
    await Promise.allSettled(this.#inFlight.values());
  }

  async #run(): Promise<void> {
    while (this.#running) {
      this.#kicked = false;
      try {
        await this.#claimAndSend();
      } catch (error) {
        this.#ctx.logger.error({ err: error }, 'webhook deliverer: claiming deliveries failed');
      }
      if (this.#running && !this.#kicked) await this.#sleep(this.options.pollIntervalMs);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }

  async #claimAndSend(): Promise<void> {
    const free = this.options.concurrency - this.#inFlight.size;
    if (free <= 0) return;
    const claims = await claimDueDeliveries(this.#ctx.db, {
      now: nowIso(),
      leaseUntil: isoAfter(this.options.leaseMs),
      limit: free,
    });
    if (claims.length === 0) return;
    const targets = await findWebhookTargets(this.#ctx.db, [
      ...new Set(claims.map((c) => c.webhookId)),
    ]);
    const targetById = new Map(targets.map((t) => [t.id, t]));
    for (const claim of claims) {
      // Deleted since the claim: its deliveries went with it (cascade).
      const target = targetById.get(claim.webhookId);
      if (!target) continue;
      const sending = this.#send(claim, target).finally(() => {
        this.#inFlight.delete(claim.id);
        this.kick();
      });
      this.#inFlight.set(claim.id, sending);
    }
  }

  async #send(claim: ClaimedDelivery, target: WebhookTarget): Promise<void> {
    const { logger } = this.#ctx;
    try {
      const signal = this.#shutdown.signal;
      const attemptedAt = nowIso();
      // A webhook saved before Scene refused its own address must not loop either.
      const outcome = isOwnAddress(this.#ctx, target.url)
        ? {
            statusCode: null,
            error: ownAddressMessage(target.url),
            durationMs: 0,
            responseExcerpt: null,
          }
        : await postWebhook(
            target.url,
            {
              'Content-Type': 'application/json',
              'User-Agent': 'Scene-Webhooks/1',
              'Scene-Event': claim.eventType,
              'Scene-Delivery': claim.id,
              'Scene-Signature': signWebhookBody(
                target.secret,
                claim.payload,
                Math.floor(Date.now() / 1000),
              ),
            },
            claim.payload,
            { timeoutMs: this.options.timeoutMs, signal },
          );
      const verdict = await recordAttempt(
        this.#ctx,
        claim,
        {
          ...outcome,
          attemptedAt,
          interruptedByShutdown: signal.aborted && outcome.statusCode === null,
        },
        this.options,
      );
      countWebhookAttempt(verdict);
      logger.debug(
        {
          deliveryId: claim.id,
          webhookId: claim.webhookId,
          eventType: claim.eventType,
          attempt: claim.attempts + 1,
          statusCode: outcome.statusCode,
          error: outcome.error,
          durationMs: outcome.durationMs,
          verdict,
        },
        'webhook attempt',
      );
    } catch (error) {
      // The row keeps its lease and is retried when the lease ends.
      logger.error(
        { err: error, deliveryId: claim.id, webhookId: claim.webhookId },
        'webhook deliverer: recording an attempt failed',
      );
    }
  }
}
