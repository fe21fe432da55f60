import { visibleProjectIds } from '../../auth/principal.ts';
import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import {
  createProjectSchema,
  projectSchema,
  updateProjectSchema,
} from '../../projects/project.schema.ts';
import {
  createProject,
  deleteProject,
  getProject,
  listProjects,
  updateProject,
} from '../../projects/projects.service.ts';
import { listQuerySchema, pageOf } from '../../shared/schemas.ts';
import { actorOf } from '../actor.ts';
import { errorResponses, idParams, type ApiApp } from './api-types.ts';

export function registerProjectRoutes(app: ApiApp, ctx: AppContext): void {
  const tags = ['projects'];

  app.get('/projects', {
    schema: {
      tags,
      summary: 'List projects',
      querystring: listQuerySchema,
      response: { 200: pageOf(projectSchema), 400: errorResponses[400] },
    },
    handler: (request) =>
      listProjects(ctx, { ...request.query, projectIds: visibleProjectIds(request.principal) }),
  });

  app.post('/projects', {
    schema: {
      tags,
      summary: 'Create a project',
      body: createProjectSchema,
      response: { 201: projectSchema, ...errorResponses },
    },
    handler: async (request, reply) =>
      reply.status(201).send(await createProject(ctx, request.body, actorOf(request))),
  });

  app.get('/projects/:id', {
    schema: {
      tags,
      summary: 'Get a project',
      params: idParams,
      response: { 200: projectSchema, 404: errorResponses[404] },
    },
    handler: (request) => getProject(ctx.db, request.params.id),
  });

  app.patch('/projects/:id', {
    schema: {
      tags,
      summary: 'Update a project',
      params: idParams,
      body: updateProjectSchema,
      response: { 200: projectSchema, ...errorResponses },
    },
    handler: (request) => updateProject(ctx, request.params.id, request.body, actorOf(request)),
  });

  app.delete('/projects/:id', {
    schema: {
      tags,
      summary:
        'Delete a project and everything it owns (pages, tasks, batches, runs, baselines, artifacts, webhooks)',
      params: idParams,
      response: { 204: z.null().describe('Deleted'), 404: errorResponses[404] },
    },
    handler: async (request, reply) => {
      await deleteProject(ctx, request.params.id, actorOf(request));
      return reply.status(204).send(null);
    },
  });
}
