import type { FieldErrors } from '../shared/form-errors.ts';

export interface RowColumn {
  key: string;
  label: string;
  type?: 'text' | 'number';
  placeholder?: string;
  /** A choice instead of a text box. */
  options?: { value: string; label: string }[];
}

/** A button that adds a row filled with these values (by column key): one-click presets. */
export interface RowPreset {
  label: string;
  values: Record<string, string>;
}

function RowView(props: {
  name: string;
  columns: RowColumn[];
  row: Record<string, string>;
  index: number | null;
  itemLabel: string;
  errors?: FieldErrors | undefined;
}) {
  const label =
    props.index === null ? `New ${props.itemLabel}` : `${props.itemLabel} ${props.index + 1}`;
  const errorOf = (key: string) =>
    props.index === null ? undefined : props.errors?.[`${props.name}.${props.index}.${key}`];
  const rowErrors =
    props.index === null
      ? []
      : Object.entries(props.errors ?? {})
          .filter(([k]) => k.startsWith(`${props.name}.${props.index}.`))
          .map(([k, message]) => `${k.split('.').at(-1) ?? ''}: ${message}`);
  return (
    <li class="row-editor" data-row style={`--columns: ${props.columns.length}`}>
      {props.columns.map((column) =>
        column.options ? (
          <select
            name={`${props.name}.${column.key}`}
            aria-label={`${label}: ${column.label}`}
            aria-invalid={errorOf(column.key) ? 'true' : undefined}
          >
            {column.options.map((option) => (
              <option value={option.value} selected={props.row[column.key] === option.value} safe>
                {option.label}
              </option>
            ))}
          </select>
        ) : (
          <input
            type={column.type ?? 'text'}
            name={`${props.name}.${column.key}`}
            value={props.row[column.key] ?? ''}
            placeholder={column.placeholder ?? column.label}
            aria-label={`${label}: ${column.label}`}
            aria-invalid={errorOf(column.key) ? 'true' : undefined}
          />
        ),
      )}
      <button
        type="button"
        class="icon-button"
        data-remove-row
        aria-label={`Remove ${label.toLowerCase()}`}
      >
        ×
      </button>
      {rowErrors.length > 0 && (
        <p class="field-error row-error" safe>
          {`${label}: ${rowErrors.join('; ')}`}
        </p>
      )}
    </li>
  );
}

/** A list of records edited as rows of inputs, posted as parallel arrays `<name>.<key>`. */
export function RowEditor(props: {
  name: string;
  legend: string;
  itemLabel: string;
  columns: RowColumn[];
  rows: Record<string, string>[];
  errors?: FieldErrors | undefined;
  hint?: string;
  addLabel: string;
  presets?: RowPreset[];
}) {
  const listId = `${props.name.replace(/\W/g, '-')}-rows`;
  const templateId = `${listId}-template`;
  const fieldError = props.errors?.[props.name];
  return (
    <fieldset class={['field', fieldError && 'has-error']}>
      <legend safe>{props.legend}</legend>
      {props.hint && (
        <p class="field-hint" safe>
          {props.hint}
        </p>
      )}
      <div
        class="row-editor row-editor-head"
        style={`--columns: ${props.columns.length}`}
        aria-hidden="true"
      >
        {props.columns.map((column) => (
          <span safe>{column.label}</span>
        ))}
        <span></span>
      </div>
      <ol class="row-list" id={listId}>
        {props.rows.map((row, index) => (
          <RowView
            name={props.name}
            columns={props.columns}
            row={row}
            index={index}
            itemLabel={props.itemLabel}
            errors={props.errors}
          />
        ))}
      </ol>
      <template id={templateId}>
        <RowView
          name={props.name}
          columns={props.columns}
          row={{}}
          index={null}
          itemLabel={props.itemLabel}
        />
      </template>
      <button type="button" class="button small" data-add-row={templateId} data-rows={listId} safe>
        {props.addLabel}
      </button>
      {props.presets && props.presets.length > 0 && (
        <div
          class="row-presets"
          role="group"
          aria-label={`Add a preset ${props.itemLabel.toLowerCase()}`}
        >
          {props.presets.map((preset) => (
            <button
              type="button"
              class="button small"
              data-add-row={templateId}
              data-rows={listId}
              data-preset={JSON.stringify(
                Object.fromEntries(
                  Object.entries(preset.values).map(([key, value]) => [
                    `${props.name}.${key}`,
                    value,
                  ]),
                ),
              )}
              safe
            >
              {`+ ${preset.label}`}
            </button>
          ))}
        </div>
      )}
      {fieldError && (
        <p class="field-error" safe>
          {fieldError}
        </p>
      )}
    </fieldset>
  );
}
