import type { Children } from '@kitajs/html';
import { errorFor, type FieldErrors } from '../shared/form-errors.ts';

interface FieldBase {
  name: string;
  label: string;
  errors?: FieldErrors | undefined;
  hint?: string | undefined;
  required?: boolean | undefined;
  /** Defaults to `field-<name>`. */
  id?: string | undefined;
}

function fieldId(props: FieldBase): string {
  return props.id ?? `field-${props.name.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
}

function describedBy(id: string, hint: string | undefined, error: string | undefined) {
  const ids = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ');
  return ids === '' ? undefined : ids;
}

function FieldMessages(props: {
  id: string;
  hint?: string | undefined;
  error?: string | undefined;
}) {
  return (
    <>
      {props.hint && (
        <p class="field-hint" id={`${props.id}-hint`} safe>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p class="field-error" id={`${props.id}-error`} safe>
          {props.error}
        </p>
      )}
    </>
  );
}

/** The id, error and shared attributes of one labelled form control. */
function controlOf(props: FieldBase) {
  const id = fieldId(props);
  const error = errorFor(props.errors, props.name);
  return {
    id,
    error,
    attributes: {
      id,
      name: props.name,
      required: props.required,
      'aria-invalid': error ? 'true' : undefined,
      'aria-describedby': describedBy(id, props.hint, error),
    },
  };
}

/** Label, control and hint/error messages of one field. */
function FieldShell(props: {
  id: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  children: Children;
}) {
  return (
    <div class={['field', props.error && 'has-error']}>
      <label for={props.id} safe>
        {props.label}
      </label>
      {props.children}
      <FieldMessages id={props.id} hint={props.hint} error={props.error} />
    </div>
  );
}

export function TextField(
  props: FieldBase & {
    value?: string | number | undefined;
    type?: 'text' | 'url' | 'number' | 'password' | 'search';
    placeholder?: string | undefined;
    autofocus?: boolean;
    min?: number | undefined;
    max?: number | undefined;
    step?: string;
    autocomplete?: string;
  },
) {
  const { id, error, attributes } = controlOf(props);
  return (
    <FieldShell id={id} label={props.label} hint={props.hint} error={error}>
      <input
        {...attributes}
        type={props.type ?? 'text'}
        value={props.value === undefined ? undefined : String(props.value)}
        placeholder={props.placeholder}
        autofocus={props.autofocus}
        min={props.min === undefined ? undefined : String(props.min)}
        max={props.max === undefined ? undefined : String(props.max)}
        step={props.step}
        autocomplete={props.autocomplete ?? 'off'}
      />
    </FieldShell>
  );
}

export function TextAreaField(
  props: FieldBase & {
    value?: string | undefined;
    rows?: number;
    placeholder?: string;
    mono?: boolean;
  },
) {
  const { id, error, attributes } = controlOf(props);
  return (
    <FieldShell id={id} label={props.label} hint={props.hint} error={error}>
      <textarea
        {...attributes}
        rows={String(props.rows ?? 3)}
        placeholder={props.placeholder}
        class={props.mono ? 'mono' : undefined}
        safe
      >
        {props.value ?? ''}
      </textarea>
    </FieldShell>
  );
}

/**
 * A file picker whose file the browser reads into another field (`fills`, a textarea's id)
 * instead of uploading it: no name, so the form posts the text, not the file. Its error and
 * status lines are always present (hidden when empty) for client/file-fields.ts to fill.
 */
export function FileTextField(props: {
  id: string;
  label: string;
  fills: string;
  accept?: string | undefined;
  hint?: string | undefined;
  /** Largest file taken, in bytes (checked before it is read). */
  maxBytes: number;
  /** Which reader checks the text (client/file-fields.ts). */
  reader: 'backstop';
}) {
  return (
    <div class="field field-file">
      <label for={props.id} safe>
        {props.label}
      </label>
      <input
        type="file"
        id={props.id}
        accept={props.accept}
        data-fills={props.fills}
        data-reader={props.reader}
        data-max-bytes={String(props.maxBytes)}
        aria-describedby={[props.hint && `${props.id}-hint`, `${props.id}-status`]
          .filter(Boolean)
          .join(' ')}
      />
      {props.hint && (
        <p class="field-hint" id={`${props.id}-hint`} safe>
          {props.hint}
        </p>
      )}
      <p class="field-status" id={`${props.id}-status`} aria-live="polite" hidden></p>
      <p class="field-error" id={`${props.id}-error`} role="alert" hidden></p>
    </div>
  );
}

/** The Name field that opens a record's form (page, task, batch): required, focused first. */
export function NameField(props: {
  value: string;
  errors?: FieldErrors | undefined;
  hint?: string | undefined;
}) {
  return (
    <TextField
      name="name"
      label="Name"
      value={props.value}
      errors={props.errors}
      hint={props.hint}
      required
      autofocus
    />
  );
}

export const selectorsHint = 'One CSS selector per line.';

/** A short list typed one item per line (CSS selectors, regions), in monospace. */
export function LinesField(props: FieldBase & { value: string }) {
  return (
    <TextAreaField
      name={props.name}
      label={props.label}
      value={props.value}
      errors={props.errors}
      hint={props.hint}
      id={props.id}
      required={props.required}
      rows={3}
      mono
    />
  );
}

/** A whole number within bounds. */
export function NumberField(
  props: FieldBase & {
    value: string | number | undefined;
    min?: number | undefined;
    max?: number | undefined;
  },
) {
  return <TextField {...props} type="number" />;
}

/** A share of the screenshot's pixels, 0–100 with decimals. */
export function PercentField(props: FieldBase & { value: string | number | undefined }) {
  return <TextField {...props} type="number" step="any" min={0} max={100} />;
}

export interface Option {
  value: string;
  label: string;
}

export function SelectField(
  props: FieldBase & { value?: string | undefined; options: Option[]; emptyLabel?: string },
) {
  const { id, error, attributes } = controlOf(props);
  return (
    <FieldShell id={id} label={props.label} hint={props.hint} error={error}>
      <select {...attributes}>
        {props.emptyLabel !== undefined && (
          <option value="" safe>
            {props.emptyLabel}
          </option>
        )}
        {props.options.map((option) => (
          <option value={option.value} selected={option.value === props.value} safe>
            {option.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

export function CheckboxField(props: FieldBase & { checked?: boolean | undefined }) {
  const id = fieldId(props);
  const error = errorFor(props.errors, props.name);
  return (
    <div class={['field field-checkbox', error && 'has-error']}>
      <input
        id={id}
        name={props.name}
        type="checkbox"
        value="true"
        checked={props.checked}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(id, props.hint, error)}
      />
      <label for={id} safe>
        {props.label}
      </label>
      <FieldMessages id={id} hint={props.hint} error={error} />
    </div>
  );
}

/** Several checkboxes sharing one name: the form posts every checked value. */
export function CheckboxGroup(
  props: FieldBase & { options: Option[]; checked: readonly string[]; emptyText?: string },
) {
  const id = fieldId(props);
  const error = errorFor(props.errors, props.name);
  return (
    <fieldset
      class={['field checkbox-group', error && 'has-error']}
      id={id}
      aria-describedby={describedBy(id, props.hint, error)}
    >
      <legend safe>{props.label}</legend>
      {props.options.length === 0 ? (
        <p class="muted" safe>
          {props.emptyText ?? 'Nothing to choose from yet.'}
        </p>
      ) : (
        <div class="checkbox-options">
          {props.options.map((option, index) => (
            <label class="checkbox-option" for={`${id}-${index}`}>
              <input
                type="checkbox"
                id={`${id}-${index}`}
                name={props.name}
                value={option.value}
                checked={props.checked.includes(option.value)}
              />
              <span safe>{option.label}</span>
            </label>
          ))}
        </div>
      )}
      <FieldMessages id={id} hint={props.hint} error={error} />
    </fieldset>
  );
}

/** Errors that belong to no rendered field, at the top of the form. */
export function FormErrors(props: { messages: string[] }) {
  if (props.messages.length === 0) return '';
  return (
    <div class="form-errors" role="alert">
      {props.messages.length === 1 ? (
        <p safe>{props.messages[0]}</p>
      ) : (
        <ul>
          {props.messages.map((message) => (
            <li safe>{message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
