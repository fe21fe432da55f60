import { actionTypes, takesScript, type Action } from '../../../shared/domain.ts';
import type { FieldErrors } from '../shared/form-errors.ts';

/** One row of the editor as typed: everything is text until the schema validates it. */
export interface ActionRow {
  type: string;
  selector: string;
  value: string;
  ms: string;
}

export function actionRowsOf(actions: readonly Action[]): ActionRow[] {
  return actions.map((action) => ({
    type: action.type,
    selector: action.selector ?? '',
    value: takesScript(action.type) ? (action.script ?? '') : (action.value ?? ''),
    ms: action.ms === undefined ? '' : String(action.ms),
  }));
}

const hints: Record<string, string> = {
  click: 'selector',
  hover: 'selector',
  type: 'selector, value: text',
  press: 'value: key, e.g. Enter',
  select: 'selector, value: option',
  check: 'selector',
  scroll: 'selector, or none for the bottom',
  waitForSelector: 'selector',
  waitForTimeout: 'ms',
  waitForNetworkIdle: 'optional ms',
  hide: 'selector',
  remove: 'selector',
  setCookie: 'value: name=value',
  setLocalStorage: 'value: key=value',
  evaluate: 'value: script run in the page',
  waitForFunction: 'value: JavaScript expression, waited for until true (readiness)',
};

function ActionRowView(props: {
  name: string;
  row: ActionRow;
  index: number | null;
  errors?: FieldErrors | undefined;
}) {
  const { row, index } = props;
  const label = index === null ? 'New step' : `Step ${index + 1}`;
  const error = (key: string) =>
    index === null ? undefined : props.errors?.[`${props.name}.${index}.${key}`];
  const rowError =
    index === null
      ? undefined
      : Object.entries(props.errors ?? {}).find(([k]) =>
          k.startsWith(`${props.name}.${index}.`),
        )?.[1];
  return (
    <li class="action-row" data-row>
      <span class="action-index" aria-hidden="true">
        {index === null ? '' : String(index + 1)}
      </span>
      <label class="visually-hidden" for={`${props.name}-type-${index ?? 'new'}`} safe>
        {`${label}: type`}
      </label>
      <select
        name={`${props.name}.type`}
        id={`${props.name}-type-${index ?? 'new'}`}
        aria-invalid={error('type') ? 'true' : undefined}
      >
        {actionTypes.map((type) => (
          <option value={type} selected={type === row.type} title={hints[type]} safe>
            {type}
          </option>
        ))}
      </select>
      <input
        type="text"
        name={`${props.name}.selector`}
        value={row.selector}
        placeholder="selector"
        aria-label={`${label}: selector`}
        aria-invalid={error('selector') ? 'true' : undefined}
      />
      <input
        type="text"
        name={`${props.name}.value`}
        value={row.value}
        placeholder="value / script"
        aria-label={`${label}: value or script`}
        aria-invalid={error('value') || error('script') ? 'true' : undefined}
      />
      <input
        type="number"
        name={`${props.name}.ms`}
        value={row.ms}
        placeholder="ms"
        min="0"
        aria-label={`${label}: milliseconds`}
        aria-invalid={error('ms') ? 'true' : undefined}
      />
      <button
        type="button"
        class="icon-button"
        data-remove-row
        aria-label={`Remove ${label.toLowerCase()}`}
      >
        ×
      </button>
      {rowError && (
        <p class="field-error action-error" safe>
          {rowError}
        </p>
      )}
    </li>
  );
}

/**
 * Declarative steps as rows (type, selector, value or script, ms). Rows post as parallel
 * arrays (`actions.type`, `actions.selector`...), read back by actionsField().
 */
export function ActionsEditor(props: {
  name: string;
  label: string;
  rows: ActionRow[];
  errors?: FieldErrors | undefined;
  hint?: string;
}) {
  const templateId = `${props.name}-row-template`;
  const listId = `${props.name}-rows`;
  const fieldError = props.errors?.[props.name];
  return (
    <fieldset class={['field actions-editor', fieldError && 'has-error']}>
      <legend safe>{props.label}</legend>
      {props.hint && (
        <p class="field-hint" safe>
          {props.hint}
        </p>
      )}
      <ol class="action-rows" id={listId}>
        {props.rows.map((row, index) => (
          <ActionRowView name={props.name} row={row} index={index} errors={props.errors} />
        ))}
      </ol>
      <template id={templateId}>
        <ActionRowView
          name={props.name}
          row={{ type: 'click', selector: '', value: '', ms: '' }}
          index={null}
        />
      </template>
      <button type="button" class="button small" data-add-row={templateId} data-rows={listId}>
        + Add step
      </button>
      {fieldError && (
        <p class="field-error" safe>
          {fieldError}
        </p>
      )}
    </fieldset>
  );
}
