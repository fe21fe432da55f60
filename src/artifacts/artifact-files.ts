import { createHash } from 'node:crypto';
import type { ArtifactStore } from './artifact-store.ts';
import type { ArtifactRecord } from './artifacts.repository.ts';
import { newId } from '../shared/ids.ts';
import { nowIso } from '../shared/clock.ts';

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

/**
 * Writes the bytes under a fresh key and returns the record to insert. The key holds a new id,
 * so it is never written twice and its URL can be cached forever. The caller inserts the
 * record in the transaction that records the outcome, and removes the file if that does not
 * happen.
 */
export async function writeArtifactFile(
  store: ArtifactStore,
  file: NewArtifactFile,
): Promise<ArtifactRecord> {
  const id = newId();
  const storageKey = `${file.projectId}/runs/${file.runId}/${file.executionId}/${id}-${file.kind}.${file.extension}`;
  const contentType = contentTypes[file.extension] ?? 'application/octet-stream';
  await store.put(storageKey, file.bytes, contentType);
  return {
    id,
    projectId: file.projectId,
    runId: file.runId,
    executionId: file.executionId,
    kind: file.kind,
    storageKey,
    contentType,
    byteSize: file.bytes.length,
    sha256: sha256Of(file.bytes),
    width: file.width ?? null,
    height: file.height ?? null,
    createdAt: nowIso(),
  };
}

export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
