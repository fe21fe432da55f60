/**
 * The values of a SQL `in (…)`: an empty list matches nothing (and `in ()` is not valid SQL),
 * so it becomes a value no id has.
 */
export function nonEmpty(values: readonly string[]): readonly string[] {
  return values.length === 0 ? [''] : values;
}
