import type { Project } from '../../../projects/project.schema.ts';
import { TextAreaField, TextField } from '../components/fields.tsx';
import { ModalForm } from '../components/modal.tsx';
import { optionalText, textField, type FormBody } from '../shared/form-data.ts';
import { unplacedErrors, type FieldErrors } from '../shared/form-errors.ts';

export interface ProjectFormValues {
  name: string;
  description: string;
}

export function projectFormValues(project?: Project): ProjectFormValues {
  return { name: project?.name ?? '', description: project?.description ?? '' };
}

export function projectFormValuesOf(body: FormBody): ProjectFormValues {
  return { name: textField(body, 'name'), description: textField(body, 'description') };
}

/** The form's fields in the shape of createProjectSchema / updateProjectSchema. */
export function projectInputOf(body: FormBody, mode: 'create' | 'update') {
  const description = optionalText(body, 'description');
  return {
    name: textField(body, 'name'),
    description: mode === 'update' ? (description ?? null) : description,
  };
}

const fields = ['name', 'description'];

export function ProjectForm(props: {
  project?: Project | undefined;
  values: ProjectFormValues;
  errors?: FieldErrors;
}) {
  const editing = props.project !== undefined;
  return (
    <ModalForm
      title={editing ? 'Edit project' : 'New project'}
      action={editing ? `/projects/${props.project?.id ?? ''}` : '/projects'}
      method={editing ? 'patch' : 'post'}
      submitLabel={editing ? 'Save changes' : 'Create project'}
      formErrors={props.errors ? unplacedErrors(props.errors, fields) : []}
    >
      <TextField
        name="name"
        label="Name"
        value={props.values.name}
        errors={props.errors}
        required
        autofocus
        hint="A site or product, e.g. “Storefront”."
      />
      <TextAreaField
        name="description"
        label="Description"
        value={props.values.description}
        errors={props.errors}
        rows={3}
      />
    </ModalForm>
  );
}
