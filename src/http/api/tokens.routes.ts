import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { createdTokenSchema, createTokenSchema, tokenSchema } from '../../auth/token.schema.ts';
import { createToken, listTokens, revokeToken } from '../../auth/tokens.service.ts';
import { invariant } from '../../shared/errors.ts';
import { errorBodySchema, errorResponses, idParams, type ApiApp } from './api-types.ts';

export function registerTokenRoutes(app: ApiApp, ctx: AppContext): void {
  const tags = ['tokens'];

  app.post('/tokens', {
    schema: {
      tags,
      summary: 'Create an API token (shown once, in this response only)',
      description:
        'The role cannot be higher than the creator’s; `projectIds` limits the token to those projects (others answer 404). Admins may pass `userId` to create a token for another (service) user.',
      body: createTokenSchema,
      response: { 201: createdTokenSchema, 403: errorBodySchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      invariant(request.principal, 'the auth hook set the principal');
      return reply.status(201).send(await createToken(ctx, request.principal, request.body));
    },
  });

  app.get('/tokens', {
    schema: {
      tags,
      summary: 'List API tokens: your own (an admin: everyone’s); never the secrets',
      response: { 200: z.object({ items: z.array(tokenSchema), nextCursor: z.null() }) },
    },
    handler: (request) => {
      invariant(request.principal, 'the auth hook set the principal');
      return listTokens(ctx.db, request.principal);
    },
  });

  app.delete('/tokens/:id', {
    schema: {
      tags,
      summary: 'Revoke an API token (yours; an admin: anyone’s)',
      params: idParams,
      response: { 204: z.null().describe('Revoked'), 404: errorResponses[404] },
    },
    handler: async (request, reply) => {
      invariant(request.principal, 'the auth hook set the principal');
      await revokeToken(ctx, request.principal, request.params.id);
      return reply.status(204).send(null);
    },
  });
}
