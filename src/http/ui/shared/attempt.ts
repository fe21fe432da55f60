import type { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';
import {
  fieldErrorsOf,
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
