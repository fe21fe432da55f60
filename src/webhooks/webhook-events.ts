export const webhookEventTypes = [
  'run.started',
  'run.finished',
  'run.failed',
  'run.cancelled',
  'execution.failed',
  'baseline.updated',
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** What a webhook may subscribe to: event types, or `'*'` alone for all of them. */
export const subscribableEvents = ['*', ...webhookEventTypes] as const;
export type SubscribableEvent = (typeof subscribableEvents)[number];

/** `ping` is sent only on request (POST /webhooks/{id}/ping), to the one webhook, subscribed or not. */
export type DeliveryEventType = WebhookEventType | 'ping';

/** What a change hands to the outbox; the body sent is `{id, type, createdAt, data}`. */
export interface WebhookEvent {
  projectId: string;
  type: WebhookEventType;
  data: Record<string, unknown>;
}

/** The body of every webhook request, stored as-is in the outbox and sent byte for byte. */
export interface WebhookPayload {
  /** The event id: the same in every delivery of this event (to each webhook, and redeliveries). */
  id: string;
  type: DeliveryEventType;
  createdAt: string;
  data: Record<string, unknown>;
}

export function serializePayload(payload: WebhookPayload): string {
  return JSON.stringify({
    id: payload.id,
    type: payload.type,
    createdAt: payload.createdAt,
    data: payload.data,
  });
}
