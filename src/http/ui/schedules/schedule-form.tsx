import type { Schedule } from '../../../schedules/schedule.schema.ts';
import { runModes } from '../../../runs/run.schema.ts';
import { CheckboxField, SelectField, TextField } from '../components/fields.tsx';
import { ModalForm } from '../components/modal.tsx';
import { unplacedErrors, type FieldErrors } from '../shared/form-errors.ts';
import { checkboxField, optionalText, textField, type FormBody } from '../shared/form-data.ts';

// A batch's schedule in the modal: cron, time zone, mode, branch, active. The Batches tab shows
// each schedule's next fire time.

export interface ScheduleFormValues {
  cron: string;
  timezone: string;
  mode: string;
  branch: string;
  active: boolean;
}

const fields = ['cron', 'timezone', 'mode', 'branch', 'active'] as const;

export function scheduleFormValues(schedule?: Schedule): ScheduleFormValues {
  return {
    cron: schedule?.cron ?? '',
    timezone: schedule?.timezone ?? 'UTC',
    mode: schedule?.mode ?? 'compare',
    branch: schedule?.branch ?? '',
    active: schedule?.active ?? true,
  };
}

export function scheduleFormValuesOf(body: FormBody): ScheduleFormValues {
  return {
    cron: textField(body, 'cron'),
    timezone: textField(body, 'timezone'),
    mode: textField(body, 'mode'),
    branch: textField(body, 'branch'),
    active: checkboxField(body, 'active'),
  };
}

/** The form as schedule input; a blank branch is none (null when editing). */
export function scheduleInputOf(body: FormBody, purpose: 'create' | 'update') {
  const branch = optionalText(body, 'branch')?.trim();
  return {
    cron: textField(body, 'cron'),
    timezone: textField(body, 'timezone').trim() || 'UTC',
    mode: textField(body, 'mode'),
    active: checkboxField(body, 'active'),
    ...(branch !== undefined ? { branch } : purpose === 'update' ? { branch: null } : {}),
  };
}

export function ScheduleForm(props: {
  batchName: string;
  /** POST target for a new schedule. */
  createAction: string;
  schedule?: Schedule | undefined;
  values: ScheduleFormValues;
  errors?: FieldErrors | undefined;
}) {
  const { values, errors, schedule } = props;
  return (
    <ModalForm
      title={schedule ? `Edit schedule of ${props.batchName}` : `Schedule ${props.batchName}`}
      action={schedule ? `/schedules/${schedule.id}` : props.createAction}
      method={schedule ? 'patch' : 'post'}
      submitLabel={schedule ? 'Save schedule' : 'Create schedule'}
      formErrors={unplacedErrors(errors ?? {}, fields)}
    >
      <TextField
        name="cron"
        label="Cron expression"
        value={values.cron}
        errors={errors}
        required
        autofocus
        placeholder="0 3 * * 1-5"
        hint="5 fields (minute hour day month weekday), or 6 with seconds first."
      />
      <TextField
        name="timezone"
        label="Time zone"
        value={values.timezone}
        errors={errors}
        hint="IANA name, e.g. Europe/Paris; the cron expression is read in it."
      />
      <SelectField
        name="mode"
        label="Mode"
        value={values.mode}
        errors={errors}
        options={runModes.map((m) => ({ value: m, label: m }))}
      />
      <TextField
        name="branch"
        label="Branch"
        value={values.branch}
        errors={errors}
        hint="The git branch its runs record; empty: none."
      />
      <CheckboxField
        name="active"
        label="Active"
        checked={values.active}
        errors={errors}
        hint="Unchecked: the schedule launches nothing."
      />
    </ModalForm>
  );
}
