import type { Readable } from 'node:stream';

/**
 * Where artifact bytes live. Keys are relative, slash-separated, made by Scene (never by users);
 * implementations must still refuse keys that would escape their root.
 */
export interface ArtifactStore {
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  get(key: string): Promise<Buffer>;
  /** A stream for serving; rejects with AppError 'not_found' when absent. */
  open(key: string): Promise<{ stream: Readable; size: number }>;
  /** Local path when the store is a directory (engines read PNGs by path); undefined otherwise. */
  localPath(key: string): string | undefined;
  /** Deleting an absent key is not an error. */
  remove(keys: string[]): Promise<void>;
}
