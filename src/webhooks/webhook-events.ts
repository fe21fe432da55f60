export const webhookEventTypes = [
  'run.started',
  'run.finished',
  'run.failed',
  'run.cancelled',
  'execution.failed',
  'baseline.updated',
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** What a change hands to the outbox; the body sent is `{id, type, createdAt, data}`. */
export interface WebhookEvent {
  projectId: string;
  type: WebhookEventType;
  data: Record<string, unknown>;
}
