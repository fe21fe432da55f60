import type { Children } from '@kitajs/html';
import { unplacedErrors, type FieldErrors } from '../shared/form-errors.ts';
import { ModalForm } from './modal.tsx';
import { recordCollections, type RecordKind } from './record-kinds.ts';

/**
 * The create/edit form of a record of a project tab: creates under the project, edits the
 * record itself. Errors of fields the form does not show are listed above it.
 */
export function RecordModalForm(props: {
  kind: RecordKind;
  projectId: string;
  /** The record being edited; absent for a new one. */
  recordId?: string | undefined;
  placedFields: readonly string[];
  errors?: FieldErrors | undefined;
  wide?: boolean;
  children: Children;
}) {
  const collection = recordCollections[props.kind];
  const editing = props.recordId !== undefined;
  return (
    <ModalForm
      title={editing ? `Edit ${props.kind}` : `New ${props.kind}`}
      action={
        editing ? `/${collection}/${props.recordId}` : `/projects/${props.projectId}/${collection}`
      }
      method={editing ? 'patch' : 'post'}
      submitLabel={editing ? 'Save changes' : `Create ${props.kind}`}
      formErrors={props.errors ? unplacedErrors(props.errors, props.placedFields) : []}
      wide={props.wide ?? false}
    >
      {props.children}
    </ModalForm>
  );
}
