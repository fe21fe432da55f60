import type { ErrorCode } from '../shared/errors.ts';
import type { DiffOptions, DiffResult, PngInput } from './diff.types.ts';

// Messages between the diff pool (main thread) and its workers. Buffers cross the thread
// boundary as Uint8Array (structured clone drops the Buffer prototype).

export interface DiffJobMessage {
  id: number;
  baseline: PngInput | Uint8Array;
  observed: PngInput | Uint8Array;
  options: DiffOptions;
}

export type DiffReplyMessage =
  | { id: number; ok: true; result: DiffResult }
  | { id: number; ok: false; error: { message: string; code: ErrorCode | null } };

export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
