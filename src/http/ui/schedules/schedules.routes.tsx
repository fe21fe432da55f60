import type { AppContext } from '../../../app-context.ts';
import type { Batch } from '../../../batches/batch.schema.ts';
import { getBatch } from '../../../batches/batches.service.ts';
import {
  createScheduleSchema,
  updateScheduleSchema,
  type Schedule,
} from '../../../schedules/schedule.schema.ts';
import {
  createSchedule,
  deleteSchedule,
  getSchedule,
  updateSchedule,
} from '../../../schedules/schedules.service.ts';
import { actorOf } from '../../actor.ts';
import { batchesPanelOf } from '../batches/batches.routes.tsx';
import { validateThenAttempt } from '../shared/attempt.ts';
import { formBodyOf } from '../shared/form-data.ts';
import { sendFragment, sendPartials } from '../shared/html-response.ts';
import { idParamOf } from '../shared/route-params.ts';
import { closeModal, showToast } from '../shared/toast.ts';
import type { FieldErrors } from '../shared/form-errors.ts';
import type { UiApp, UiReply, UiRequest } from '../shared/ui-types.ts';
import {
  ScheduleForm,
  scheduleFormValues,
  scheduleFormValuesOf,
  scheduleInputOf,
  type ScheduleFormValues,
} from './schedule-form.tsx';

// A batch's schedules, edited in the modal from the Batches tab, which then shows them again
// with their next fire times.

export function registerScheduleScreens(app: UiApp, ctx: AppContext): void {
  app.get('/batches/:id/schedules/new', async (request, reply) => {
    const batch = await getBatch(ctx.db, idParamOf(request.params));
    return sendFragment(reply, scheduleFormOf(batch, undefined, scheduleFormValues()));
  });

  app.post('/batches/:id/schedules', async (request, reply) => {
    const batch = await getBatch(ctx.db, idParamOf(request.params));
    return saveSchedule(ctx, request, reply, batch, undefined);
  });

  app.get('/schedules/:id/edit', async (request, reply) => {
    const schedule = await getSchedule(ctx.db, idParamOf(request.params));
    const batch = await getBatch(ctx.db, schedule.batchId);
    return sendFragment(reply, scheduleFormOf(batch, schedule, scheduleFormValues(schedule)));
  });

  app.patch('/schedules/:id', async (request, reply) => {
    const schedule = await getSchedule(ctx.db, idParamOf(request.params));
    return saveSchedule(ctx, request, reply, await getBatch(ctx.db, schedule.batchId), schedule);
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

/**
 * Creates (no `schedule`) or updates a schedule from the form: on refusal the form again with
 * its errors, else the modal closes and the Batches tab shows the batch's schedules.
 */
async function saveSchedule(
  ctx: AppContext,
  request: UiRequest,
  reply: UiReply,
  batch: Batch,
  schedule: Schedule | undefined,
) {
  const body = formBodyOf(request);
  const actor = actorOf(request, 'ui');
  const saved = schedule
    ? await validateThenAttempt(updateScheduleSchema, scheduleInputOf(body, 'update'), (input) =>
        updateSchedule(ctx, schedule.id, input, actor),
      )
    : await validateThenAttempt(createScheduleSchema, scheduleInputOf(body, 'create'), (input) =>
        createSchedule(ctx, batch.id, input, actor),
      );
  if (!saved.ok) {
    return sendFragment(
      reply,
      scheduleFormOf(batch, schedule, scheduleFormValuesOf(body), saved.errors),
      422,
    );
  }
  closeModal(reply);
  showToast(reply, {
    kind: 'success',
    message: schedule ? `Schedule of "${batch.name}" saved` : `Batch "${batch.name}" scheduled`,
  });
  return sendPartials(reply, [{ id: 'batches-panel', html: batchesPanelOf(ctx, batch.projectId) }]);
}

/** The schedule form of a batch: a new schedule, or `schedule` being edited. */
function scheduleFormOf(
  batch: Batch,
  schedule: Schedule | undefined,
  values: ScheduleFormValues,
  errors?: FieldErrors,
) {
  return (
    <ScheduleForm
      batchName={batch.name}
      createAction={`/batches/${batch.id}/schedules`}
      schedule={schedule}
      values={values}
      errors={errors}
    />
  );
}
