/**
 * PATCH semantics of an optional field: `undefined` keeps the current value, `null` removes it,
 * anything else replaces it.
 */
export function patchOptional<T>(
  value: T | null | undefined,
  current: T | undefined,
): T | undefined {
  if (value === undefined) return current;
  return value ?? undefined;
}
