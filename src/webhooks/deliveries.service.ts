import type { AppContext } from '../app-context.ts';
import type { Conn } from '../db/connect.ts';
import { pageSize, type Page } from '../db/pagination.ts';
import { nowIso } from '../shared/clock.ts';
import { conflict, notFound } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import {
  findDeliveryRecord,
  insertRedelivery,
  listAttemptsOfDeliveries,
  listDeliveriesOfWebhook,
} from './deliveries.repository.ts';
import { insertPendingDeliveries } from './outbox.repository.ts';
import { serializePayload } from './webhook-events.ts';
import type { Delivery, DeliveryQuery, Webhook } from './webhook.schema.ts';
import { getWebhook } from './webhooks.service.ts';

export async function getDelivery(conn: Conn, id: string): Promise<Delivery> {
  const record = await findDeliveryRecord(conn, id);
  if (!record) throw notFound('delivery', id);
  const attempts = await listAttemptsOfDeliveries(conn, [id]);
  return { ...record, attempts: attempts.get(id) ?? [] };
}

/** A webhook's deliveries, newest first, each with its attempts. */
export async function listDeliveries(
  ctx: AppContext,
  webhookId: string,
  query: DeliveryQuery,
): Promise<Page<Delivery>> {
  await getWebhook(ctx.db, webhookId);
  const page = await listDeliveriesOfWebhook(ctx.db, webhookId, {
    status: query.status,
    cursor: query.cursor,
    limit: pageSize(query),
  });
  const attempts = await listAttemptsOfDeliveries(
    ctx.db,
    page.items.map((d) => d.id),
  );
  return {
    items: page.items.map((d) => ({ ...d, attempts: attempts.get(d.id) ?? [] })),
    nextCursor: page.nextCursor,
  };
}

async function getActiveWebhook(conn: Conn, webhookId: string): Promise<Webhook> {
  const webhook = await getWebhook(conn, webhookId);
  if (!webhook.active) {
    throw conflict(
      `webhook '${webhookId}' is inactive: activate it (PATCH {"active": true}) to send to it`,
      webhook.disabledReason === undefined ? undefined : { disabledReason: webhook.disabledReason },
    );
  }
  return webhook;
}

/**
 * Sends a finished delivery again as a new delivery: the same body (same event id) to the same
 * webhook, under a new Scene-Delivery id with its own attempts and retry window. Receivers that
 * de-duplicate on Scene-Delivery therefore process a redelivery; those that de-duplicate on the
 * body's event id treat it as the same event. The original keeps its history.
 */
export async function redeliver(ctx: AppContext, deliveryId: string): Promise<Delivery> {
  const id = await ctx.db.transaction().execute(async (trx) => {
    const source = await findDeliveryRecord(trx, deliveryId);
    if (!source) throw notFound('delivery', deliveryId);
    if (source.status === 'pending') {
      throw conflict(
        `delivery '${deliveryId}' is still pending: Scene is retrying it (next attempt ${source.nextAttemptAt ?? 'soon'})`,
      );
    }
    await getActiveWebhook(trx, source.webhookId);
    const copyId = newId();
    await insertRedelivery(trx, deliveryId, copyId, nowIso());
    return copyId;
  });
  ctx.webhookOutbox.kick();
  return getDelivery(ctx.db, id);
}

/** Queues a `ping` event to this webhook alone, through the outbox like any other event. */
export async function pingWebhook(ctx: AppContext, webhookId: string): Promise<Delivery> {
  const deliveryId = await ctx.db.transaction().execute(async (trx) => {
    const webhook = await getActiveWebhook(trx, webhookId);
    const eventId = newId();
    const createdAt = nowIso();
    const id = newId();
    await insertPendingDeliveries(trx, [
      {
        id,
        webhookId,
        eventId,
        eventType: 'ping',
        createdAt,
        payload: serializePayload({
          id: eventId,
          type: 'ping',
          createdAt,
          data: { webhookId, projectId: webhook.projectId, message: 'Test ping from Scene' },
        }),
      },
    ]);
    return id;
  });
  ctx.webhookOutbox.kick();
  return getDelivery(ctx.db, deliveryId);
}
