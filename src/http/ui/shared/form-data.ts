import type { FastifyRequest } from 'fastify';
import { takesScript } from '../../../shared/domain.ts';

/** A parsed application/x-www-form-urlencoded body: repeated names give arrays. */
export type FormBody = Record<string, string | string[] | undefined>;

export function formBodyOf(request: FastifyRequest): FormBody {
  const body = request.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return {};
  const result: FormBody = {};
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (typeof value === 'string') result[key] = value;
    else if (Array.isArray(value)) result[key] = value.filter((v) => typeof v === 'string');
  }
  return result;
}

function first(body: FormBody, name: string): string | undefined {
  const value = body[name];
  return Array.isArray(value) ? value[0] : value;
}

// Converters from form fields to the shapes the shared zod schemas expect: the UI
// validates with the same schemas as the API, so these only translate HTML conventions
// (blank = absent, checkbox = present, one item per line).

/** The field's text, '' when missing (so a required field fails with the schema's message). */
export function textField(body: FormBody, name: string): string {
  return first(body, name) ?? '';
}

/** The field's text, or undefined when blank. */
export function optionalText(body: FormBody, name: string): string | undefined {
  const value = first(body, name);
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** For updates: blank means "clear" (null). */
export function nullableText(body: FormBody, name: string): string | null {
  return optionalText(body, name) ?? null;
}

/** A number, undefined when blank; NaN (rejected by the schema) when not numeric. */
export function numberField(body: FormBody, name: string): number | undefined {
  const value = first(body, name);
  if (value === undefined || value.trim() === '') return undefined;
  return Number(value.trim());
}

export function checkboxField(body: FormBody, name: string): boolean {
  const value = first(body, name);
  return value !== undefined && value !== '' && value !== 'false';
}

/** Every value of a repeated field (checkbox group, multi-select). */
export function listField(body: FormBody, name: string): string[] {
  const value = body[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v) => v !== '');
}

/** One item per non-blank line of a textarea. */
export function linesField(body: FormBody, name: string): string[] {
  return (first(body, name) ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** Rows of parallel repeated fields (`<name>.<column>`), e.g. the actions editor. */
export function rowsField<C extends string>(
  body: FormBody,
  name: string,
  columns: readonly C[],
): Record<C, string>[] {
  const values = columns.map((column) => {
    const value = body[`${name}.${column}`];
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
  });
  const count = Math.max(0, ...values.map((v) => v.length));
  const rows: Record<C, string>[] = [];
  for (let i = 0; i < count; i++) {
    const row = {} as Record<C, string>;
    columns.forEach((column, c) => {
      row[column] = values[c]?.[i] ?? '';
    });
    rows.push(row);
  }
  return rows;
}

/** The actions editor's rows as typed (every row is kept: a half-filled row gets its error). */
export function actionRowsField(body: FormBody, name: string) {
  return rowsField(body, name, ['type', 'selector', 'value', 'ms'] as const);
}

/** Editor rows as actions for the schema: the value box is an `evaluate` step's script. */
export function actionsOf(
  rows: readonly { type: string; selector: string; value: string; ms: string }[],
): Record<string, unknown>[] {
  return rows.map((row) => {
    const action: Record<string, unknown> = { type: row.type };
    if (row.selector.trim() !== '') action['selector'] = row.selector.trim();
    if (row.value !== '') action[takesScript(row.type) ? 'script' : 'value'] = row.value;
    if (row.ms.trim() !== '') action['ms'] = Number(row.ms.trim());
    return action;
  });
}
