import { z } from 'zod';
import type { Actor } from '../../audit/audit.types.ts';
import type { Page as Listing, PageRequest } from '../../db/pagination.ts';
import { listQuerySchema, pageOf } from '../../shared/schemas.ts';
import { actorOf } from '../actor.ts';
import { errorResponses, idParams, type ApiApp } from './api-types.ts';

/** A resource that belongs to a project: its five operations, implemented by its service. */
export interface ProjectOwnedResource<
  Item extends z.ZodType,
  Create extends z.ZodType,
  Update extends z.ZodType,
> {
  /** Path segment and OpenAPI tag, e.g. 'pages'. */
  plural: string;
  /** e.g. 'page'. */
  singular: string;
  schema: Item;
  createSchema: Create;
  updateSchema: Update;
  /** When deleting can be refused because something still uses it, what the 409 means. */
  deleteConflict?: string;
  /** What else a deletion removes, for the OpenAPI summary. */
  deleteCascades?: string;
  list(projectId: string, request: PageRequest): Promise<Listing<z.output<Item>>>;
  get(id: string): Promise<z.output<Item>>;
  create(projectId: string, input: z.output<Create>, actor: Actor): Promise<z.output<Item>>;
  update(id: string, input: z.output<Update>, actor: Actor): Promise<z.output<Item>>;
  remove(id: string, actor: Actor): Promise<void>;
}

/**
 * Registers `/projects/{id}/<plural>` GET POST and `/<plural>/{id}` GET PATCH DELETE: the same
 * five operations for pages, tasks, batches (and webhooks), each documented in OpenAPI.
 */
export function registerProjectOwnedRoutes<
  Item extends z.ZodType,
  Create extends z.ZodType,
  Update extends z.ZodType,
>(app: ApiApp, resource: ProjectOwnedResource<Item, Create, Update>): void {
  const { plural, singular } = resource;
  const tags = [plural];
  // Fastify cannot resolve its reply types over generic schemas; typed as plain ZodType here,
  // the operations above keep the types (bodies are parsed by these very schemas).
  const item: z.ZodType = resource.schema;
  const createBody: z.ZodType = resource.createSchema;
  const updateBody: z.ZodType = resource.updateSchema;

  app.get(`/projects/:id/${plural}`, {
    schema: {
      tags,
      summary: `List a project's ${plural}, newest first`,
      params: idParams,
      querystring: listQuerySchema,
      response: {
        200: pageOf(item),
        400: errorResponses[400],
        404: errorResponses[404],
      },
    },
    handler: (request) => resource.list(request.params.id, request.query),
  });

  app.post(`/projects/:id/${plural}`, {
    schema: {
      tags,
      summary: `Create a ${singular} in a project`,
      params: idParams,
      body: createBody,
      response: { 201: item, ...errorResponses },
    },
    handler: async (request, reply) =>
      reply
        .status(201)
        .send(
          await resource.create(
            request.params.id,
            request.body as z.output<Create>,
            actorOf(request),
          ),
        ),
  });

  app.get(`/${plural}/:id`, {
    schema: {
      tags,
      summary: `Get a ${singular}`,
      params: idParams,
      response: { 200: item, 404: errorResponses[404] },
    },
    handler: (request) => resource.get(request.params.id),
  });

  app.patch(`/${plural}/:id`, {
    schema: {
      tags,
      summary: `Update a ${singular}: only the fields sent change`,
      params: idParams,
      body: updateBody,
      response: { 200: item, ...errorResponses },
    },
    handler: (request) =>
      resource.update(request.params.id, request.body as z.output<Update>, actorOf(request)),
  });

  app.delete(`/${plural}/:id`, {
    schema: {
      tags,
      summary: `Delete a ${singular}${resource.deleteCascades ? ` with ${resource.deleteCascades}` : ''}`,
      params: idParams,
      response: {
        204: z.null().describe('Deleted'),
        404: errorResponses[404],
        ...(resource.deleteConflict !== undefined && {
          409: errorResponses[409].describe(resource.deleteConflict),
        }),
      },
    },
    handler: async (request, reply) => {
      await resource.remove(request.params.id, actorOf(request));
      return reply.status(204).send(null);
    },
  });
}
