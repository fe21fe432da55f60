import type { Conn } from '../db/connect.ts';
import { creationStamp } from '../shared/clock.ts';
import { newId } from '../shared/ids.ts';
import { insertPendingDeliveries, listSubscribedWebhookIds } from './outbox.repository.ts';
import { serializePayload, type WebhookEvent } from './webhook-events.ts';

/**
 * Writes one pending delivery per subscribed active webhook. Call it inside the transaction of
 * the change the event reports: the event exists exactly when the change does. After the
 * transaction commits, call `ctx.webhookOutbox.kick()` so a running deliverer sends it at once
 * (otherwise it is picked up by the next poll, within about half a second).
 */
export async function recordWebhookEvent(conn: Conn, event: WebhookEvent): Promise<void> {
  const webhookIds = await listSubscribedWebhookIds(conn, event.projectId, event.type);
  if (webhookIds.length === 0) return;
  const eventId = newId();
  const createdAt = creationStamp();
  const payload = serializePayload({ id: eventId, type: event.type, createdAt, data: event.data });
  await insertPendingDeliveries(
    conn,
    webhookIds.map((webhookId) => ({
      id: newId(),
      webhookId,
      eventId,
      eventType: event.type,
      payload,
      createdAt,
    })),
  );
}
