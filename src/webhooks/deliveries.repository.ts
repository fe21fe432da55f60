import { sql, type Selectable } from 'kysely';
import type { Conn } from '../db/connect.ts';
import type { WebhookAttemptsTable, WebhookDeliveriesTable } from '../db/database.ts';
import { fromJson } from '../db/json.ts';
import { afterCursor, toPage, type Page } from '../db/pagination.ts';
import type { DeliveryEventType } from './webhook-events.ts';
import type { Delivery, DeliveryAttempt, DeliveryStatus } from './webhook.schema.ts';

export type DeliveryRecord = Omit<Delivery, 'attempts'>;

function rowToDeliveryRecord(row: Selectable<WebhookDeliveriesTable>): DeliveryRecord {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status as DeliveryStatus,
    attemptCount: row.attempts,
    ...(row.next_attempt_at !== null && { nextAttemptAt: row.next_attempt_at }),
    ...(row.last_attempt_at !== null && { lastAttemptAt: row.last_attempt_at }),
    ...(row.last_status_code !== null && { lastStatusCode: row.last_status_code }),
    ...(row.last_error !== null && { lastError: row.last_error }),
    createdAt: row.created_at,
    ...(row.delivered_at !== null && { deliveredAt: row.delivered_at }),
    payload: fromJson<unknown>(row.payload, null),
  };
}

function rowToAttempt(row: Selectable<WebhookAttemptsTable>): DeliveryAttempt {
  return {
    at: row.attempted_at,
    ...(row.status_code !== null && { statusCode: row.status_code }),
    ...(row.error !== null && { error: row.error }),
    durationMs: row.duration_ms,
    ...(row.response_excerpt !== null && { responseExcerpt: row.response_excerpt }),
  };
}

export async function findDeliveryRecord(
  conn: Conn,
  id: string,
): Promise<DeliveryRecord | undefined> {
  const row = await conn
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row && rowToDeliveryRecord(row);
}

export async function listDeliveriesOfWebhook(
  conn: Conn,
  webhookId: string,
  filter: { status?: DeliveryStatus | undefined; cursor?: string | undefined; limit: number },
): Promise<Page<DeliveryRecord>> {
  let query = conn.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.cursor !== undefined) query = query.where(afterCursor(filter.cursor));
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  return toPage(rows, filter.limit, rowToDeliveryRecord);
}

/** Attempts of these deliveries, oldest first per delivery. */
export async function listAttemptsOfDeliveries(
  conn: Conn,
  deliveryIds: string[],
): Promise<Map<string, DeliveryAttempt[]>> {
  const byDelivery = new Map<string, DeliveryAttempt[]>(deliveryIds.map((id) => [id, []]));
  if (deliveryIds.length === 0) return byDelivery;
  const rows = await conn
    .selectFrom('webhook_attempts')
    .selectAll()
    .where('delivery_id', 'in', deliveryIds)
    .orderBy('seq', 'asc')
    .execute();
  for (const row of rows) byDelivery.get(row.delivery_id)?.push(rowToAttempt(row));
  return byDelivery;
}

/**
 * A new pending delivery of the same event to the same webhook: same body (byte for byte),
 * new delivery id, fresh retry window.
 */
export async function insertRedelivery(
  conn: Conn,
  sourceId: string,
  id: string,
  createdAt: string,
): Promise<void> {
  await conn
    .insertInto('webhook_deliveries')
    .columns([
      'id',
      'webhook_id',
      'event_id',
      'event_type',
      'payload',
      'status',
      'attempts',
      'next_attempt_at',
      'created_at',
    ])
    .expression(
      conn
        .selectFrom('webhook_deliveries')
        .select([
          sql.lit(id).as('id'),
          'webhook_id',
          'event_id',
          'event_type',
          'payload',
          sql.lit('pending').as('status'),
          sql.lit(0).as('attempts'),
          sql.lit(createdAt).as('next_attempt_at'),
          sql.lit(createdAt).as('created_at'),
        ])
        .where('id', '=', sourceId),
    )
    .execute();
}

/** A delivery this deliverer holds until `lease`: the lease value identifies the claim. */
export interface ClaimedDelivery {
  id: string;
  webhookId: string;
  eventType: DeliveryEventType;
  payload: string;
  attempts: number;
  createdAt: string;
  lease: string;
}

/**
 * Claims up to `limit` due deliveries of active webhooks by moving their next_attempt_at to
 * `leaseUntil`, in one statement. The outer conditions repeat the subquery's: on Postgres a
 * concurrent claimer blocks on the row, re-checks them against the updated row and skips it;
 * on SQLite writers are serialised. So each due attempt is claimed by exactly one deliverer.
 * A deliverer that dies holding a claim leaves the row pending: it is due again when the lease
 * ends.
 */
export async function claimDueDeliveries(
  conn: Conn,
  input: { now: string; leaseUntil: string; limit: number },
): Promise<ClaimedDelivery[]> {
  const due = conn
    .selectFrom('webhook_deliveries')
    .select('webhook_deliveries.id')
    .innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id')
    .where('webhook_deliveries.status', '=', 'pending')
    .where('webhook_deliveries.next_attempt_at', '<=', input.now)
    .where('webhooks.active', '=', 1)
    .orderBy('webhook_deliveries.next_attempt_at')
    .limit(input.limit);
  const rows = await conn
    .updateTable('webhook_deliveries')
    .set({ next_attempt_at: input.leaseUntil })
    .where('id', 'in', due)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', input.now)
    .returning(['id', 'webhook_id', 'event_type', 'payload', 'attempts', 'created_at'])
    .execute();
  return rows.map((row) => ({
    id: row.id,
    webhookId: row.webhook_id,
    eventType: row.event_type as DeliveryEventType,
    payload: row.payload,
    attempts: row.attempts,
    createdAt: row.created_at,
    lease: input.leaseUntil,
  }));
}

export interface AttemptResult {
  status: DeliveryStatus;
  /** When pending: the next attempt's time. */
  nextAttemptAt: string | null;
  attemptedAt: string;
  statusCode: number | null;
  error: string | null;
  deliveredAt: string | null;
}

/**
 * Applies an attempt's result if the claim still holds (same lease, still pending); false when
 * the lease ran out and another deliverer took the row over, in which case nothing is written.
 */
export async function applyAttemptResult(
  conn: Conn,
  claim: { id: string; lease: string },
  result: AttemptResult,
): Promise<boolean> {
  const updated = await conn
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      status: result.status,
      attempts: eb('attempts', '+', 1),
      next_attempt_at: result.nextAttemptAt,
      last_attempt_at: result.attemptedAt,
      last_status_code: result.statusCode,
      last_error: result.error,
      delivered_at: result.deliveredAt,
    }))
    .where('id', '=', claim.id)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '=', claim.lease)
    .executeTakeFirst();
  return updated.numUpdatedRows > 0n;
}

export async function insertAttempt(
  conn: Conn,
  attempt: DeliveryAttempt & { deliveryId: string },
): Promise<void> {
  await conn
    .insertInto('webhook_attempts')
    .values({
      delivery_id: attempt.deliveryId,
      attempted_at: attempt.at,
      status_code: attempt.statusCode ?? null,
      error: attempt.error ?? null,
      duration_ms: attempt.durationMs,
      response_excerpt: attempt.responseExcerpt ?? null,
    })
    .execute();
}
