import { recordAudit } from '../audit/audit.service.ts';
import type { Conn, Db } from '../db/connect.ts';
import type { Logger } from '../shared/logger.ts';
import { decideRetry, type RetrySchedule } from './backoff.ts';
import {
  applyAttemptResult,
  insertAttempt,
  type AttemptResult,
  type ClaimedDelivery,
} from './deliveries.repository.ts';
import type { PostOutcome } from './post-webhook.ts';
import type { Webhook } from './webhook.schema.ts';
import {
  clearWebhookFailing,
  disableFailingWebhook,
  findWebhook,
  markWebhookFailing,
} from './webhooks.repository.ts';

export interface RetryPolicy {
  /** A delivery is retried for this long after it was queued, then it is `failed`. */
  retryWindowMs: number;
  /** A webhook whose attempts all failed for this long is disabled. */
  disableAfterMs: number;
  retrySchedule: RetrySchedule;
}

export type AttemptVerdict =
  /** 2xx: delivered. */
  | 'succeeded'
  /** Failed; pending with a later next attempt. */
  | 'retrying'
  /** Failed at the end of the retry window: given up. */
  | 'failed'
  /** Interrupted by shutdown: pending, due at once for the next deliverer. */
  | 'released'
  /** The lease ran out before the result was written; another deliverer owns the row now. */
  | 'claim-lost';

export function isSuccess(statusCode: number | null): boolean {
  return statusCode !== null && statusCode >= 200 && statusCode < 300;
}

/**
 * Writes one attempt's outcome: the attempt log entry, the delivery's new state and the
 * webhook's failing streak, in one transaction; disables (and audits) a webhook that has failed
 * continuously for `disableAfterMs`.
 */
export function recordAttempt(
  ctx: { db: Db; logger: Logger },
  claim: ClaimedDelivery,
  attempt: PostOutcome & { attemptedAt: string; interruptedByShutdown: boolean },
  policy: RetryPolicy,
): Promise<AttemptVerdict> {
  return ctx.db.transaction().execute(async (trx) => {
    const now = Date.now();
    const nowText = new Date(now).toISOString();
    const succeeded = isSuccess(attempt.statusCode);
    let verdict: AttemptVerdict;
    let nextAttemptAt: string | null = null;
    if (succeeded) {
      verdict = 'succeeded';
    } else if (attempt.interruptedByShutdown) {
      verdict = 'released';
      nextAttemptAt = nowText;
    } else {
      const decision = decideRetry({
        failedAttempts: claim.attempts + 1,
        queuedAtMs: Date.parse(claim.createdAt),
        nowMs: now,
        retryWindowMs: policy.retryWindowMs,
        schedule: policy.retrySchedule,
      });
      verdict = decision.kind === 'retry' ? 'retrying' : 'failed';
      if (decision.kind === 'retry') nextAttemptAt = new Date(decision.atMs).toISOString();
    }
    const result: AttemptResult = {
      status: verdict === 'succeeded' ? 'succeeded' : verdict === 'failed' ? 'failed' : 'pending',
      nextAttemptAt,
      attemptedAt: attempt.attemptedAt,
      statusCode: attempt.statusCode,
      error: attempt.error,
      deliveredAt: succeeded ? nowText : null,
    };
    if (!(await applyAttemptResult(trx, claim, result))) return 'claim-lost';
    await insertAttempt(trx, {
      deliveryId: claim.id,
      at: attempt.attemptedAt,
      ...(attempt.statusCode !== null && { statusCode: attempt.statusCode }),
      ...(attempt.error !== null && { error: attempt.error }),
      durationMs: attempt.durationMs,
      ...(attempt.responseExcerpt !== null && { responseExcerpt: attempt.responseExcerpt }),
    });
    if (succeeded) {
      await clearWebhookFailing(trx, claim.webhookId);
    } else if (verdict !== 'released') {
      await markWebhookFailing(trx, claim.webhookId, attempt.attemptedAt);
      await disableIfFailingTooLong(ctx.logger, trx, claim.webhookId, attempt, now, policy);
    }
    return verdict;
  });
}

async function disableIfFailingTooLong(
  logger: Logger,
  trx: Conn,
  webhookId: string,
  attempt: PostOutcome,
  now: number,
  policy: RetryPolicy,
): Promise<void> {
  const before = await findWebhook(trx, webhookId);
  if (!before?.active || before.failingSince === undefined) return;
  if (now - Date.parse(before.failingSince) < policy.disableAfterMs) return;
  const lastFailure =
    attempt.statusCode !== null ? `HTTP ${attempt.statusCode}` : (attempt.error ?? 'no response');
  const reason = `every attempt failed for ${formatDuration(policy.disableAfterMs)} (since ${before.failingSince}); last: ${lastFailure}`;
  const updatedAt = new Date(now).toISOString();
  const disabled = await disableFailingWebhook(
    trx,
    webhookId,
    new Date(now - policy.disableAfterMs).toISOString(),
    reason,
    updatedAt,
  );
  if (!disabled) return;
  const after: Webhook = { ...before, active: false, disabledReason: reason, updatedAt };
  await recordAudit(trx, {
    actor: 'system',
    action: 'update',
    entityType: 'webhook',
    entityId: webhookId,
    projectId: before.projectId,
    before,
    after,
  });
  logger.warn({ webhookId, projectId: before.projectId, reason }, 'webhook disabled');
}

export function formatDuration(ms: number): string {
  const units: [number, string][] = [
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1_000, 's'],
  ];
  for (const [size, unit] of units) {
    if (ms >= size && ms % size === 0) return `${ms / size} ${unit}`;
  }
  return `${ms} ms`;
}
