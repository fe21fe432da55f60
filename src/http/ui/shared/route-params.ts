import { idSchema } from '../../../shared/schemas.ts';
import { parseQuery } from './attempt.ts';

/** The `:id` route parameter, validated like the API's ids. */
export function idParamOf(params: unknown): string {
  return parseQuery(idSchema, (params as { id?: unknown }).id);
}
