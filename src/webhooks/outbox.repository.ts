import type { Conn } from '../db/connect.ts';
import { fromJson } from '../db/json.ts';
import type { DeliveryEventType, WebhookEventType } from './webhook-events.ts';

/** Active webhooks of a project subscribed to this event type ('*' subscribes to all). */
export async function listSubscribedWebhookIds(
  conn: Conn,
  projectId: string,
  type: WebhookEventType,
): Promise<string[]> {
  const rows = await conn
    .selectFrom('webhooks')
    .select(['id', 'events'])
    .where('project_id', '=', projectId)
    .where('active', '=', 1)
    .execute();
  return rows
    .filter((row) => {
      const events = fromJson<string[]>(row.events, []);
      return events.includes('*') || events.includes(type);
    })
    .map((row) => row.id);
}

export interface NewDelivery {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: DeliveryEventType;
  payload: string;
  createdAt: string;
}

export async function insertPendingDeliveries(
  conn: Conn,
  deliveries: NewDelivery[],
): Promise<void> {
  if (deliveries.length === 0) return;
  await conn
    .insertInto('webhook_deliveries')
    .values(
      deliveries.map((d) => ({
        id: d.id,
        webhook_id: d.webhookId,
        event_id: d.eventId,
        event_type: d.eventType,
        payload: d.payload,
        status: 'pending',
        attempts: 0,
        next_attempt_at: d.createdAt,
        created_at: d.createdAt,
      })),
    )
    .execute();
}
