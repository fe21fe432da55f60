import { createHash } from 'node:crypto';
import type { Db } from '../db/connect.ts';
import { isoAfter, nowIso } from '../shared/clock.ts';
import { AppError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import type { ArtifactStore } from './artifact-store.ts';
import type { ArtifactRecord } from './artifacts.repository.ts';
import { insertBlobIfAbsent, insertBlobPin, lockBlob } from './blobs.repository.ts';

/** Where artifacts are served; an artifact's URL is this plus its storage key. */
export const artifactUrlPrefix = '/api/v1/artifacts/';

export function artifactUrl(storageKey: string): string {
  return artifactUrlPrefix + storageKey;
}

const contentTypes: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  webm: 'video/webm',
  zip: 'application/zip',
  txt: 'text/plain; charset=utf-8',
  json: 'application/json',
  /** A gzipped JSON document (layout snapshots): served as is, the client inflates it. */
  'json.gz': 'application/gzip',
  gz: 'application/gzip',
};

export function contentTypeOf(storageKey: string): string {
  const ext = storageKey.slice(storageKey.lastIndexOf('.') + 1).toLowerCase();
  return contentTypes[ext] ?? 'application/octet-stream';
}

export interface NewArtifactFile {
  projectId: string;
  runId: string;
  executionId: string;
  /** screenshot, reference, diff, heatmap, trace, log, ... */
  kind: string;
  extension: keyof typeof contentTypes;
  bytes: Buffer;
  width?: number;
  height?: number;
}

/** What writing and removing artifact files needs: the database and the store. */
export interface ArtifactFiles {
  db: Db;
  artifacts: ArtifactStore;
}

/** Kinds stored by content: images repeat byte for byte (a settled page, the diff of the same two images). */
const contentAddressedKinds = new Set([
  'screenshot',
  'reference',
  'diff',
  'heatmap',
  'aligned',
  // A settled page's snapshot repeats byte for byte too (gzip without a timestamp).
  'layout',
]);

/**
 * How long a writer's pin keeps a blob from being deleted between storing its bytes and
 * recording its artifact row — far longer than any capture takes to be recorded. A write that
 * is never recorded (a crash, a cancelled capture) leaves a pin that expires; the blob is then
 * collected by collectUnreferencedBlobs.
 */
export const blobPinMs = 24 * 60 * 60 * 1000;

/** `blobs/sha256/ab/cdef….png`: the key of these bytes, whoever writes them. */
export function blobKeyOf(sha256: string, extension: string): string {
  return `blobs/sha256/${sha256.slice(0, 2)}/${sha256.slice(2)}.${extension}`;
}

export function isBlobKey(key: string): boolean {
  return key.startsWith('blobs/');
}

/**
 * Stores the bytes and returns the record to insert. The record's own key holds a new id, so
 * it is never reused and its URL can be cached forever. Images are stored by content: bytes
 * already in the store (the baseline's, an earlier run's) are not stored again, and the record
 * points at them. The caller inserts the record in the transaction that records the outcome;
 * if that never happens, the bytes are collected later (see blobPinMs) — or, for traces and
 * logs, the caller removes them.
 */
export async function writeArtifactFile(
  files: ArtifactFiles,
  file: NewArtifactFile,
): Promise<ArtifactRecord> {
  const id = newId();
  const storageKey = `${file.projectId}/runs/${file.runId}/${file.executionId}/${id}-${file.kind}.${file.extension}`;
  const contentType = contentTypes[file.extension] ?? 'application/octet-stream';
  const sha256 = sha256Of(file.bytes);
  let blobKey: string | null = null;
  let storedBytes = file.bytes.length;
  if (contentAddressedKinds.has(file.kind)) {
    blobKey = blobKeyOf(sha256, file.extension);
    const created = await pinBlob(files.db, blobKey, file.bytes.length, id);
    storedBytes = created ? file.bytes.length : 0;
  }
  // Always written, even when the blob was recorded before: the store may have lost it to a
  // deletion whose commit failed after removing it. Same bytes under the same key: no space.
  await files.artifacts.put(blobKey ?? storageKey, file.bytes, contentType);
  return {
    id,
    projectId: file.projectId,
    runId: file.runId,
    executionId: file.executionId,
    kind: file.kind,
    storageKey,
    blobKey,
    contentType,
    byteSize: file.bytes.length,
    storedBytes,
    sha256,
    width: file.width ?? null,
    height: file.height ?? null,
    createdAt: nowIso(),
  };
}

/**
 * Claims the blob for a write about to store its bytes: records it if new (true) and pins it,
 * holding its lock, so that a deletion either finished — bytes removed, row gone — before the
 * claim, or sees the pin and leaves the blob alone. The bytes are put after this commits.
 */
async function pinBlob(db: Db, key: string, byteSize: number, pinId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    // A deletion may remove the row between the insert and the lock: then insert again.
    for (let attempt = 1; attempt <= 5; attempt++) {
      const created = await insertBlobIfAbsent(trx, { key, byteSize, createdAt: nowIso() });
      if (created || (await lockBlob(trx, key))) {
        await insertBlobPin(trx, { id: pinId, blobKey: key, expiresAt: isoAfter(blobPinMs) });
        return created;
      }
    }
    throw new AppError('internal', `blob ${key} could be neither recorded nor locked`);
  });
}

export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
