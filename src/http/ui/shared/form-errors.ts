import type { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';

/** Field name (dotted path) → message; `formErrorKey` holds errors that belong to no field. */
export type FieldErrors = Record<string, string>;

export const formErrorKey = '_form';

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length === 0 ? formErrorKey : issue.path.map(String).join('.');
    errors[key] ??= issue.message;
  }
  return errors;
}

/** Validates form input with the same schema the REST API uses. */
export function validateForm<S extends z.ZodType>(
  schema: S,
  input: unknown,
): Validated<z.output<S>> {
  const parsed = schema.safeParse(input);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, errors: fieldErrorsOf(parsed.error) };
}

/**
 * Turns a rule the service refused (conflict, unprocessable, validation) into form errors,
 * at `field` when the caller knows which field it concerns. Anything else is rethrown.
 */
export type FieldChooser = string | ((message: string) => string | undefined);

export function serviceErrorsOf(error: unknown, field?: FieldChooser): FieldErrors {
  if (!(error instanceof AppError) || error.code === 'internal') throw error;
  const errors: FieldErrors = {};
  if (Array.isArray(error.details)) {
    for (const detail of error.details as unknown[]) {
      if (
        detail !== null &&
        typeof detail === 'object' &&
        'field' in detail &&
        'message' in detail &&
        typeof detail.field === 'string' &&
        typeof detail.message === 'string'
      ) {
        errors[detail.field] ??= detail.message;
      }
    }
  }
  if (Object.keys(errors).length === 0) {
    const key = typeof field === 'function' ? field(error.message) : field;
    errors[key ?? formErrorKey] = error.message;
  }
  return errors;
}

/** Field errors whose key is not among the rendered fields, shown together at the top of the form. */
export function unplacedErrors(errors: FieldErrors, renderedFields: readonly string[]): string[] {
  return Object.entries(errors)
    .filter(
      ([key]) =>
        key === formErrorKey || !renderedFields.some((f) => key === f || key.startsWith(`${f}.`)),
    )
    .map(([key, message]) => (key === formErrorKey ? message : `${key}: ${message}`));
}

/** The error for a field, including errors on its items (e.g. `viewports.1.width`). */
export function errorFor(errors: FieldErrors | undefined, field: string): string | undefined {
  if (!errors) return undefined;
  const exact = errors[field];
  if (exact !== undefined) return exact;
  const nested = Object.entries(errors).find(([key]) => key.startsWith(`${field}.`));
  if (!nested) return undefined;
  const [key, message] = nested;
  const where = key.slice(field.length + 1).split('.');
  const index = Number(where[0]);
  const item = Number.isInteger(index) ? `item ${index + 1}` : where[0];
  const rest = where.slice(1).join('.');
  return `${item}${rest ? ` (${rest})` : ''}: ${message}`;
}

/** Moves errors from schema paths to the form's field names (e.g. basicAuth.username → authUsername). */
export function renameErrorKeys(errors: FieldErrors, names: Record<string, string>): FieldErrors {
  const renamed: FieldErrors = {};
  for (const [key, message] of Object.entries(errors)) {
    const target = Object.entries(names).find(
      ([from]) => key === from || key.startsWith(`${from}.`),
    );
    renamed[target ? target[1] : key] ??= message;
  }
  return renamed;
}
