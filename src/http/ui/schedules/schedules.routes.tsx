import type { AppContext } from '../../../app-context.ts';
import { getBatch } from '../../../batches/batches.service.ts';
import { createScheduleSchema, updateScheduleSchema } from '../../../schedules/schedule.schema.ts';
import {
  createSchedule,
  deleteSchedule,
  getSchedule,
  updateSchedule,
} from '../../../schedules/schedules.service.ts';
import { actorOf } from '../../actor.ts';
import { batchesPanelOf } from '../batches/batches.routes.tsx';
import { attempt } from '../shared/attempt.ts';
import { formBodyOf } from '../shared/form-data.ts';
import { validateForm } from '../shared/form-errors.ts';
import { sendFragment, sendPartials } from '../shared/html-response.ts';
import { idParamOf } from '../shared/route-params.ts';
import { closeModal, showToast } from '../shared/toast.ts';
import type { UiApp } from '../shared/ui-types.ts';
import {
  ScheduleForm,
  scheduleFormValues,
  scheduleFormValuesOf,
  scheduleInputOf,
} from './schedule-form.tsx';

// A batch's schedules, edited in the modal from the Batches tab, which then shows them again
// with their next fire times.

export function registerScheduleScreens(app: UiApp, ctx: AppContext): void {
  app.get('/batches/:id/schedules/new', async (request, reply) => {
    const batch = await getBatch(ctx.db, idParamOf(request.params));
    return sendFragment(
      reply,
      <ScheduleForm
        batchName={batch.name}
        createAction={`/batches/${batch.id}/schedules`}
        values={scheduleFormValues()}
      />,
    );
  });

  app.post('/batches/:id/schedules', async (request, reply) => {
    const batch = await getBatch(ctx.db, idParamOf(request.params));
    const body = formBodyOf(request);
    const input = validateForm(createScheduleSchema, scheduleInputOf(body, 'create'));
    const created = input.ok
      ? await attempt(() => createSchedule(ctx, batch.id, input.value, actorOf(request, 'ui')))
      : input;
    if (!created.ok) {
      return sendFragment(
        reply,
        <ScheduleForm
          batchName={batch.name}
          createAction={`/batches/${batch.id}/schedules`}
          values={scheduleFormValuesOf(body)}
          errors={created.errors}
        />,
        422,
      );
    }
    closeModal(reply);
    showToast(reply, { kind: 'success', message: `Batch "${batch.name}" scheduled` });
    return sendPartials(reply, [
      { id: 'batches-panel', html: batchesPanelOf(ctx, batch.projectId) },
    ]);
  });

  app.get('/schedules/:id/edit', async (request, reply) => {
    const schedule = await getSchedule(ctx.db, idParamOf(request.params));
    const batch = await getBatch(ctx.db, schedule.batchId);
    return sendFragment(
      reply,
      <ScheduleForm
        batchName={batch.name}
        createAction={`/batches/${batch.id}/schedules`}
        schedule={schedule}
        values={scheduleFormValues(schedule)}
      />,
    );
  });

  app.patch('/schedules/:id', async (request, reply) => {
    const schedule = await getSchedule(ctx.db, idParamOf(request.params));
    const batch = await getBatch(ctx.db, schedule.batchId);
    const body = formBodyOf(request);
    const input = validateForm(updateScheduleSchema, scheduleInputOf(body, 'update'));
    const updated = input.ok
      ? await attempt(() => updateSchedule(ctx, schedule.id, input.value, actorOf(request, 'ui')))
      : input;
    if (!updated.ok) {
      return sendFragment(
        reply,
        <ScheduleForm
          batchName={batch.name}
          createAction={`/batches/${batch.id}/schedules`}
          schedule={schedule}
          values={scheduleFormValuesOf(body)}
          errors={updated.errors}
        />,
        422,
      );
    }
    closeModal(reply);
    showToast(reply, { kind: 'success', message: `Schedule of "${batch.name}" saved` });
    return sendPartials(reply, [
      { id: 'batches-panel', html: batchesPanelOf(ctx, batch.projectId) },
    ]);
  });

  app.delete('/schedules/:id', async (request, reply) => {
    const schedule = await getSchedule(ctx.db, idParamOf(request.params));
    const batch = await getBatch(ctx.db, schedule.batchId);
    await deleteSchedule(ctx, schedule.id, actorOf(request, 'ui'));
    showToast(reply, { kind: 'success', message: `Schedule of "${batch.name}" deleted` });
    return sendPartials(reply, [
      { id: 'batches-panel', html: batchesPanelOf(ctx, batch.projectId) },
    ]);
  });
}
