import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import {
  createUserSchema,
  membershipBodySchema,
  updateUserSchema,
  userSchema,
} from '../../auth/user.schema.ts';
import {
  createUser,
  deleteUser,
  getUser,
  listUsers,
  removeMembership,
  setMembership,
  updateUser,
} from '../../auth/users.service.ts';
import { idSchema } from '../../shared/schemas.ts';
import { actorOf } from '../actor.ts';
import { errorResponses, idParams, type ApiApp } from './api-types.ts';

const memberParams = z.strictObject({ id: idSchema, userId: idSchema });

export function registerUserRoutes(app: ApiApp, ctx: AppContext): void {
  const tags = ['users'];

  app.get('/users', {
    schema: {
      tags,
      summary: 'List users',
      response: { 200: z.object({ items: z.array(userSchema), nextCursor: z.null() }) },
    },
    handler: () => listUsers(ctx.db),
  });

  app.post('/users', {
    schema: {
      tags,
      summary: 'Create a user (without password: a service user for tokens, or an SSO user)',
      body: createUserSchema,
      response: { 201: userSchema, ...errorResponses },
    },
    handler: async (request, reply) =>
      reply.status(201).send(await createUser(ctx, request.body, actorOf(request))),
  });

  app.get('/users/:id', {
    schema: {
      tags,
      summary: 'Get a user',
      params: idParams,
      response: { 200: userSchema, 404: errorResponses[404] },
    },
    handler: (request) => getUser(ctx.db, request.params.id),
  });

  app.patch('/users/:id', {
    schema: {
      tags,
      summary: 'Update a user: display name, role, active, password',
      params: idParams,
      body: updateUserSchema,
      response: { 200: userSchema, ...errorResponses },
    },
    handler: (request) => updateUser(ctx, request.params.id, request.body, actorOf(request)),
  });

  app.delete('/users/:id', {
    schema: {
      tags,
      summary: 'Delete a user, their tokens and sessions',
      params: idParams,
      response: { 204: z.null().describe('Deleted'), ...errorResponses },
    },
    handler: async (request, reply) => {
      await deleteUser(ctx, request.params.id, actorOf(request));
      return reply.status(204).send(null);
    },
  });

  app.put('/projects/:id/members/:userId', {
    schema: {
      tags,
      summary:
        'Make a user a member of a project with a role: a user with memberships sees only those projects',
      params: memberParams,
      body: membershipBodySchema,
      response: { 200: userSchema, ...errorResponses },
    },
    handler: (request) =>
      setMembership(
        ctx,
        request.params.id,
        request.params.userId,
        request.body.role,
        actorOf(request),
      ),
  });

  app.delete('/projects/:id/members/:userId', {
    schema: {
      tags,
      summary: 'Remove a user from a project',
      params: memberParams,
      response: { 204: z.null().describe('Removed'), 404: errorResponses[404] },
    },
    handler: async (request, reply) => {
      await removeMembership(ctx, request.params.id, request.params.userId, actorOf(request));
      return reply.status(204).send(null);
    },
  });
}
