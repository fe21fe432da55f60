import { nowIso } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import { isBlobKey, type ArtifactFiles } from './artifact-files.ts';
import type { ReleasedFile } from './artifacts.repository.ts';
import {
  deleteBlobRow,
  isBlobUnreferenced,
  listUnreferencedBlobKeys,
  lockBlob,
} from './blobs.repository.ts';

// Deleting stored bytes once their artifact rows are gone.
//
// An artifact's own file (a trace, a log, anything written before content addressing) belongs
// to that one row: it goes once the row's deletion has committed. A blob is shared: it goes
// only when no artifact row refers to it and no writer has pinned it, decided under the blob's
// lock, in this order, in one transaction per blob:
//
//   lock the blob's row → check nothing holds it → delete the row → remove the bytes → commit
//
// Writers claim a blob under the same lock before they put its bytes (writeArtifactFile), so
// a writer either comes after the removal (and puts the bytes back) or pins the blob before
// the check (which then leaves it). Two deletions that drop the last two references take
// turns on the lock: the first still sees the other's row, the second sees none and removes
// the blob — once. A removal that fails rolls the transaction back: the row stays, and the
// blob is collected later by collectUnreferencedBlobs. One blob per transaction: a deleter
// holds one blob lock at a time, so it cannot deadlock with a writer recording several.

export interface RemovalResult {
  /** Bytes no longer in the store. */
  bytesFreed: number;
  /** Objects removed from the store. */
  filesRemoved: number;
}

/**
 * Removes what the deleted artifact rows (already committed) leave unused: their own files,
 * and the blobs nothing else refers to. Files go after the rows: a crash in between leaves
 * unreferenced files (blobs are collected later), never rows pointing at missing files.
 */
export async function removeArtifactFiles(
  files: ArtifactFiles,
  released: readonly ReleasedFile[],
): Promise<RemovalResult> {
  const own = released.filter((file) => !isBlobKey(file.fileKey));
  await files.artifacts.remove(own.map((file) => file.fileKey));
  const blobKeys = [...new Set(released.map((f) => f.fileKey).filter(isBlobKey))].sort();
  // Most blobs of a deleted run are still used (by its baseline, by later runs): a quick look
  // without locks leaves them out; each candidate is checked again under its lock.
  const candidates = await listUnreferencedBlobKeys(files.db, nowIso(), {
    among: blobKeys,
    limit: blobKeys.length,
  });
  const result: RemovalResult = {
    bytesFreed: own.reduce((sum, file) => sum + file.byteSize, 0),
    filesRemoved: own.length,
  };
  for (const key of candidates) {
    const freed = await collectBlob(files, key);
    if (freed !== undefined) {
      result.bytesFreed += freed;
      result.filesRemoved += 1;
    }
  }
  return result;
}

/** Removes the blob if nothing holds it; its size when it went, undefined when it stays. */
export async function collectBlob(files: ArtifactFiles, key: string): Promise<number | undefined> {
  return files.db.transaction().execute(async (trx) => {
    const blob = await lockBlob(trx, key);
    if (!blob) return undefined; // another deletion took it
    if (!(await isBlobUnreferenced(trx, key, nowIso()))) return undefined;
    await deleteBlobRow(trx, key);
    await files.artifacts.remove([key]);
    return blob.byteSize;
  });
}

/**
 * Collects blobs nobody refers to any more: those of writes never recorded (their pins
 * expired), and those a deletion left when its removal failed. Safe in any number of
 * processes at once. Up to `limit` blobs per call.
 */
export async function collectUnreferencedBlobs(
  files: ArtifactFiles & { logger?: Logger },
  limit = 1000,
): Promise<RemovalResult> {
  const keys = await listUnreferencedBlobKeys(files.db, nowIso(), { limit });
  const result: RemovalResult = { bytesFreed: 0, filesRemoved: 0 };
  for (const key of keys) {
    try {
      const freed = await collectBlob(files, key);
      if (freed === undefined) continue;
      result.bytesFreed += freed;
      result.filesRemoved += 1;
    } catch (error) {
      files.logger?.warn({ err: error, key }, 'could not remove an unreferenced blob');
    }
  }
  return result;
}
