import { z } from 'zod';
import { httpUrlSchema } from '../shared/schemas.ts';
import { subscribableEvents } from './webhook-events.ts';

export const webhookSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  url: z.string(),
  events: z.array(z.string()).describe('Subscribed event types, or ["*"] for all'),
  active: z.boolean(),
  description: z.string().optional(),
  disabledReason: z
    .string()
    .optional()
    .describe('Why Scene turned the webhook off (it failed continuously); absent when active'),
  failingSince: z
    .string()
    .optional()
    .describe('Time of the first failed attempt since the last success'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Webhook = z.infer<typeof webhookSchema>;

export const webhookWithSecretSchema = webhookSchema.extend({
  secret: z
    .string()
    .describe('Signing secret: shown only in this response; store it now (Scene-Signature)'),
});
export type WebhookWithSecret = z.infer<typeof webhookWithSecretSchema>;

export const webhookEventsSchema = z
  .array(z.enum(subscribableEvents))
  .min(1, 'subscribe to at least one event type, or ["*"] for all')
  .max(subscribableEvents.length)
  .refine((events) => !events.includes('*') || events.every((e) => e === '*'), {
    message: '"*" subscribes to every event type: use it alone',
  })
  .transform((events) => [...new Set(events)]);

const descriptionSchema = z.string().max(2000, 'must be at most 2000 characters');

export const createWebhookSchema = z.strictObject({
  url: httpUrlSchema,
  events: webhookEventsSchema.default(['*']),
  active: z.boolean().default(true),
  description: descriptionSchema.optional(),
});
export type CreateWebhookInput = z.infer<typeof createWebhookSchema>;

export const updateWebhookSchema = z.strictObject({
  url: httpUrlSchema.optional(),
  events: webhookEventsSchema.optional(),
  active: z
    .boolean()
    .optional()
    .describe('true re-enables a webhook Scene disabled, clearing disabledReason'),
  description: descriptionSchema.nullable().optional(),
});
export type UpdateWebhookInput = z.infer<typeof updateWebhookSchema>;

export const deliveryStatuses = ['pending', 'succeeded', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export const deliveryAttemptSchema = z.object({
  at: z.string(),
  statusCode: z.number().int().optional().describe('Receiver HTTP status; absent on network error'),
  error: z.string().optional().describe('Network error, timeout or abort'),
  durationMs: z.number().int(),
  responseExcerpt: z.string().optional().describe('First 2 KB of the response body'),
});
export type DeliveryAttempt = z.infer<typeof deliveryAttemptSchema>;

export const deliverySchema = z.object({
  id: z.string().describe('Sent as Scene-Delivery; the same in every attempt of this delivery'),
  webhookId: z.string(),
  eventId: z
    .string()
    .describe('The body id: shared by every delivery of the event, redeliveries included'),
  eventType: z.string(),
  status: z.enum(deliveryStatuses),
  attemptCount: z.number().int(),
  nextAttemptAt: z.string().optional(),
  lastAttemptAt: z.string().optional(),
  lastStatusCode: z.number().int().optional(),
  lastError: z.string().optional(),
  createdAt: z.string(),
  deliveredAt: z.string().optional(),
  payload: z.unknown().describe('The exact JSON body sent: {id, type, createdAt, data}'),
  attempts: z.array(deliveryAttemptSchema).describe('Every attempt, oldest first'),
});
export type Delivery = z.infer<typeof deliverySchema>;

export const deliveryQuerySchema = z.strictObject({
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  status: z.enum(deliveryStatuses).optional(),
});
export type DeliveryQuery = z.infer<typeof deliveryQuerySchema>;
