import { conflict, type AppError } from '../shared/errors.ts';
import type { BatchRef } from './batches.repository.ts';

/** "batch 'Nightly' (id k3…)" or "batches 'A' (id …), 'B' (id …)", for error messages. */
export function describeBatches(batches: BatchRef[]): string {
  const names = batches.map((b) => `'${b.name}' (id ${b.id})`).join(', ');
  return `${batches.length === 1 ? 'batch' : 'batches'} ${names}`;
}

/** The 409 for deleting or removing something batches still use; details name the batches. */
export function inUseConflict(what: string, batches: BatchRef[], fix: string): AppError {
  return conflict(`${what} is used by ${describeBatches(batches)}: ${fix}`, {
    batches: batches.map((b) => ({ id: b.id, name: b.name })),
  });
}
