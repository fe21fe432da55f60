import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import {
  createScheduleSchema,
  scheduleFireSchema,
  scheduleSchema,
  updateScheduleSchema,
} from '../../schedules/schedule.schema.ts';
import { listFires } from '../../schedules/schedules.repository.ts';
import {
  createSchedule,
  deleteSchedule,
  getSchedule,
  listSchedules,
  updateSchedule,
} from '../../schedules/schedules.service.ts';
import { actorOf } from '../actor.ts';
import { errorResponses, idParams, type ApiApp } from './api-types.ts';

export function registerScheduleRoutes(app: ApiApp, ctx: AppContext): void {
  const tags = ['schedules'];

  app.get('/batches/:id/schedules', {
    schema: {
      tags,
      summary: "A batch's schedules, with their next fire times",
      params: idParams,
      response: { 200: z.object({ items: z.array(scheduleSchema) }), 404: errorResponses[404] },
    },
    handler: async (request) => ({ items: await listSchedules(ctx.db, request.params.id) }),
  });

  app.post('/batches/:id/schedules', {
    schema: {
      tags,
      summary: 'Schedule runs of the batch (cron in a time zone)',
      description:
        'Exactly one Scene process launches each fire, however many share the database. A fire is skipped (logged, and listed in /schedules/{id}/fires) while the previous scheduled run of the batch is still running.',
      params: idParams,
      body: createScheduleSchema,
      response: { 201: scheduleSchema, ...errorResponses },
    },
    handler: async (request, reply) =>
      reply
        .status(201)
        .send(await createSchedule(ctx, request.params.id, request.body, actorOf(request))),
  });

  app.get('/schedules/:id', {
    schema: {
      tags,
      summary: 'Get a schedule',
      params: idParams,
      response: { 200: scheduleSchema, 404: errorResponses[404] },
    },
    handler: (request) => getSchedule(ctx.db, request.params.id),
  });

  app.patch('/schedules/:id', {
    schema: {
      tags,
      summary: 'Update a schedule',
      params: idParams,
      body: updateScheduleSchema,
      response: { 200: scheduleSchema, ...errorResponses },
    },
    handler: (request) => updateSchedule(ctx, request.params.id, request.body, actorOf(request)),
  });

  app.delete('/schedules/:id', {
    schema: {
      tags,
      summary: 'Delete a schedule',
      params: idParams,
      response: { 204: z.null().describe('Deleted'), 404: errorResponses[404] },
    },
    handler: async (request, reply) => {
      await deleteSchedule(ctx, request.params.id, actorOf(request));
      return reply.status(204).send(null);
    },
  });

  app.get('/schedules/:id/fires', {
    schema: {
      tags,
      summary: "The schedule's last 100 fires: launched, skipped or failed, newest first",
      params: idParams,
      response: { 200: z.object({ items: z.array(scheduleFireSchema) }), 404: errorResponses[404] },
    },
    handler: async (request) => {
      await getSchedule(ctx.db, request.params.id);
      return { items: await listFires(ctx.db, request.params.id, 100) };
    },
  });
}
