import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { listQuerySchema, pageOf } from '../../shared/schemas.ts';
import {
  getDelivery,
  listDeliveries,
  pingWebhook,
  redeliver,
} from '../../webhooks/deliveries.service.ts';
import {
  createWebhookSchema,
  deliveryQuerySchema,
  deliverySchema,
  updateWebhookSchema,
  webhookSchema,
  webhookWithSecretSchema,
} from '../../webhooks/webhook.schema.ts';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhooks,
  rotateWebhookSecret,
  updateWebhook,
} from '../../webhooks/webhooks.service.ts';
import { actorOf } from '../actor.ts';
import { emptyBodySchema, errorResponses, idParams, type ApiApp } from './api-types.ts';

export function registerWebhookRoutes(app: ApiApp, ctx: AppContext): void {
  const tags = ['webhooks'];

  app.get('/projects/:id/webhooks', {
    schema: {
      tags,
      summary: "List a project's webhooks",
      params: idParams,
      querystring: listQuerySchema,
      response: {
        200: pageOf(webhookSchema),
        400: errorResponses[400],
        404: errorResponses[404],
      },
    },
    handler: (request) => listWebhooks(ctx, request.params.id, request.query),
  });

  app.post('/projects/:id/webhooks', {
    schema: {
      tags,
      summary: 'Create a webhook; the response carries its signing secret, shown only this once',
      params: idParams,
      body: createWebhookSchema,
      response: { 201: webhookWithSecretSchema, ...errorResponses },
    },
    handler: async (request, reply) =>
      reply
        .status(201)
        .send(await createWebhook(ctx, request.params.id, request.body, actorOf(request))),
  });

  app.get('/webhooks/:id', {
    schema: {
      tags,
      summary: 'Get a webhook (never its secret)',
      params: idParams,
      response: { 200: webhookSchema, 404: errorResponses[404] },
    },
    handler: (request) => getWebhook(ctx.db, request.params.id),
  });

  app.patch('/webhooks/:id', {
    schema: {
      tags,
      summary: 'Update a webhook; {"active": true} re-enables one Scene disabled',
      params: idParams,
      body: updateWebhookSchema,
      response: { 200: webhookSchema, ...errorResponses },
    },
    handler: (request) => updateWebhook(ctx, request.params.id, request.body, actorOf(request)),
  });

  app.delete('/webhooks/:id', {
    schema: {
      tags,
      summary: 'Delete a webhook with its deliveries',
      params: idParams,
      response: { 204: z.null().describe('Deleted'), 404: errorResponses[404] },
    },
    handler: async (request, reply) => {
      await deleteWebhook(ctx, request.params.id, actorOf(request));
      return reply.status(204).send(null);
    },
  });

  app.post('/webhooks/:id/rotate-secret', {
    schema: {
      tags,
      summary: 'Replace the signing secret; the response carries the new one, shown only this once',
      params: idParams,
      body: emptyBodySchema,
      response: { 200: webhookWithSecretSchema, 404: errorResponses[404] },
    },
    handler: (request) => rotateWebhookSecret(ctx, request.params.id, actorOf(request)),
  });

  app.post('/webhooks/:id/ping', {
    schema: {
      tags,
      summary: 'Queue a test event of type "ping" to this webhook (through the outbox)',
      params: idParams,
      body: emptyBodySchema,
      response: { 202: deliverySchema, 404: errorResponses[404], 409: errorResponses[409] },
    },
    handler: async (request, reply) =>
      reply.status(202).send(await pingWebhook(ctx, request.params.id)),
  });

  app.get('/webhooks/:id/deliveries', {
    schema: {
      tags,
      summary: "A webhook's deliveries, newest first, each with every attempt",
      params: idParams,
      querystring: deliveryQuerySchema,
      response: {
        200: pageOf(deliverySchema),
        400: errorResponses[400],
        404: errorResponses[404],
      },
    },
    handler: (request) => listDeliveries(ctx, request.params.id, request.query),
  });

  app.get('/deliveries/:id', {
    schema: {
      tags,
      summary: 'Get a delivery with its attempts',
      params: idParams,
      response: { 200: deliverySchema, 404: errorResponses[404] },
    },
    handler: (request) => getDelivery(ctx.db, request.params.id),
  });

  app.post('/deliveries/:id/redeliver', {
    schema: {
      tags,
      summary:
        'Send a succeeded or failed delivery again, as a new delivery (new Scene-Delivery id, same body and event id)',
      params: idParams,
      body: emptyBodySchema,
      response: { 202: deliverySchema, 404: errorResponses[404], 409: errorResponses[409] },
    },
    handler: async (request, reply) =>
      reply.status(202).send(await redeliver(ctx, request.params.id)),
  });
}
