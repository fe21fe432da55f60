import type { FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors.ts';

// The one rule on text that reaches Scene, for every route (API and UI forms alike), checked
// before schema validation:
// - no NUL: Postgres cannot store it in text (it answered 500) while SQLite stored it;
// - no lone surrogate: not Unicode, so not encodable as UTF-8 (SQLite stored invalid bytes);
// - no `__proto__` key (nor `constructor.prototype`): harmless to JSON.parse, a trap for any code
//   that merges objects. Fastify's parser refuses them too, but as "not valid JSON", which
//   misleads; server.ts lets them through to be refused here by name;
// - no nesting deeper than maxNestingDepth: JSON.parse takes a 10 KB body of 5,000 `[`, but every
//   recursive walk after it (this one, schema validation, JSON.stringify for audit) overflowed
//   the stack and answered 500. No Scene resource comes near that depth.

/** With the `u` flag a well-formed surrogate pair is one code point, so only lone halves match. */
const loneSurrogate = /\p{Surrogate}/u;

function describeText(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain a NUL character (\\u0000)';
  const surrogate = loneSurrogate.exec(text);
  if (surrogate) {
    const code = surrogate[0].charCodeAt(0).toString(16);
    return `must be valid Unicode text: a lone surrogate \\u${code} at position ${surrogate.index}`;
  }
  return undefined;
}

/** Shown in messages: the key as JSON would escape it, so a NUL or surrogate is visible. */
function printable(key: string): string {
  return JSON.stringify(key).slice(1, -1);
}

export interface TextIssue {
  field: string;
  message: string;
}

export const maxNestingDepth = 64;

/** The first string or key anywhere in `value` that breaks the rule, with its dotted path. */
export function findUnsafeText(
  value: unknown,
  path: readonly string[] = [],
): TextIssue | undefined {
  const field = () => (path.length === 0 ? '(root)' : path.join('.'));
  if (path.length > maxNestingDepth && value !== null && typeof value === 'object') {
    return {
      field: path.slice(0, 3).join('.') + '…',
      message: `is nested too deeply (more than ${maxNestingDepth} levels of arrays and objects)`,
    };
  }
  if (typeof value === 'string') {
    const message = describeText(value);
    return message === undefined ? undefined : { field: field(), message };
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const issue = findUnsafeText(item, [...path, String(index)]);
      if (issue) return issue;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === '__proto__' || (key === 'prototype' && path.at(-1) === 'constructor')) {
        return { field: field(), message: `field name '${key}' is not allowed` };
      }
      const keyMessage = describeText(key);
      if (keyMessage !== undefined) {
        return { field: [...path, printable(key)].join('.'), message: `field name ${keyMessage}` };
      }
      const issue = findUnsafeText(item, [...path, key]);
      if (issue) return issue;
    }
  }
  return undefined;
}

const parts = [
  ['params', 'params'],
  ['query', 'querystring'],
  ['body', 'request body'],
] as const;

/**
 * For the preValidation hook: the 400 `validation_failed` naming the field, in the words schema
 * errors use (`invalid request body: name: ...`), identical on both databases.
 */
export function unsafeTextError(request: FastifyRequest): AppError | undefined {
  for (const [part, where] of parts) {
    const issue = findUnsafeText(request[part]);
    if (issue) {
      return new AppError(
        'validation_failed',
        `invalid ${where}: ${issue.field}: ${issue.message}`,
        [issue],
      );
    }
  }
  return undefined;
}
