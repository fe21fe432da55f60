import { recordCollections, type RecordKind } from './record-kinds.ts';

/** Opens the edit form of a record of a project tab in the modal. */
export function EditButton(props: { kind: RecordKind; id: string; label: string }) {
  return (
    <button
      type="button"
      class="button small"
      hx-get={`/${recordCollections[props.kind]}/${props.id}/edit`}
      hx-target="#modal"
      aria-label={`Edit ${props.kind} ${props.label}`}
    >
      Edit
    </button>
  );
}
