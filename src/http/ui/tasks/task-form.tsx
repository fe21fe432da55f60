import type { Task } from '../../../tasks/task.schema.ts';
import { actionRowsOf, ActionsEditor, type ActionRow } from '../components/actions-editor.tsx';
import { NameField, TextAreaField } from '../components/fields.tsx';
import { RecordModalForm } from '../components/record-modal-form.tsx';
import {
  actionRowsField,
  actionsOf,
  optionalText,
  textField,
  type FormBody,
} from '../shared/form-data.ts';
import type { FieldErrors } from '../shared/form-errors.ts';

export interface TaskFormValues {
  name: string;
  actions: ActionRow[];
  script: string;
}

export function taskFormValues(task?: Task): TaskFormValues {
  return {
    name: task?.name ?? '',
    actions: actionRowsOf(task?.actions ?? []),
    script: task?.script ?? '',
  };
}

export function taskFormValuesOf(body: FormBody): TaskFormValues {
  return {
    name: textField(body, 'name'),
    actions: actionRowsField(body, 'actions'),
    script: textField(body, 'script'),
  };
}

/** Input for createTaskSchema, or updateTaskSchema (a blank script is removed). */
export function taskInputOf(body: FormBody, mode: 'create' | 'update') {
  const script = optionalText(body, 'script');
  return {
    name: textField(body, 'name'),
    actions: actionsOf(actionRowsField(body, 'actions')),
    script: mode === 'update' ? (script ?? null) : script,
  };
}

export function TaskForm(props: {
  projectId: string;
  task?: Task | undefined;
  values: TaskFormValues;
  errors?: FieldErrors | undefined;
}) {
  const { task, values, errors } = props;
  return (
    <RecordModalForm
      kind="task"
      projectId={props.projectId}
      recordId={task?.id}
      placedFields={['name', 'actions', 'script']}
      errors={errors}
      wide
    >
      <NameField
        value={values.name}
        errors={errors}
        hint="What the interaction does, e.g. “open menu”."
      />
      <ActionsEditor
        name="actions"
        label="Steps"
        rows={values.actions}
        errors={errors}
        hint="Run in order on each page of a batch before its screenshot."
      />
      <TextAreaField
        name="script"
        label="Script (optional)"
        value={values.script}
        errors={errors}
        rows={4}
        mono
        hint="JavaScript run in the page (never in Scene's server) after the steps."
      />
    </RecordModalForm>
  );
}
