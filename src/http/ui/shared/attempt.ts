import type { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';
import {
  fieldErrorsOf,
  validateForm,
  serviceErrorsOf,
  type FieldChooser,
  type Validated,
} from './form-errors.ts';

/**
 * Runs a service call from a form handler: a rule the service refuses becomes form errors
 * (at `field` when given); unexpected errors propagate to the error handler.
 */
export async function attempt<T>(
  call: () => Promise<T>,
  field?: FieldChooser,
): Promise<Validated<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    return { ok: false, errors: serviceErrorsOf(error, field) };
  }
}

/** A form handler's two steps: the input validated by `schema`, then saved by `save`. */
export async function validateThenAttempt<S extends z.ZodType, T>(
  schema: S,
  input: unknown,
  save: (value: z.output<S>) => Promise<T>,
  field?: FieldChooser,
): Promise<Validated<T>> {
  const validated = validateForm(schema, input);
  return validated.ok ? attempt(() => save(validated.value), field) : validated;
}

/** Parses a page's query string with a zod schema; a bad query is a 400 page. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const errors = fieldErrorsOf(parsed.error);
  throw new AppError(
    'validation_failed',
    `invalid query: ${Object.entries(errors)
      .map(([key, message]) => `${key}: ${message}`)
      .join('; ')}`,
  );
}
