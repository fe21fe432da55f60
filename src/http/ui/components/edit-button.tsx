const collections = {
  page: 'pages',
  task: 'tasks',
  batch: 'batches',
  webhook: 'webhooks',
} as const;

/** Opens the edit form of a record of a project tab in the modal. */
export function EditButton(props: { kind: keyof typeof collections; id: string; label: string }) {
  return (
    <button
      type="button"
      class="button small"
      hx-get={`/${collections[props.kind]}/${props.id}/edit`}
      hx-target="#modal"
      aria-label={`Edit ${props.kind} ${props.label}`}
    >
      Edit
    </button>
  );
}
