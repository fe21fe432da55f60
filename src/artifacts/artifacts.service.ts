import type { Readable } from 'node:stream';
import type { AppContext } from '../app-context.ts';
import { notFound } from '../shared/errors.ts';
import { findArtifactByKey } from './artifacts.repository.ts';

export interface ServableArtifact {
  storageKey: string;
  /** Where the bytes are in the store: a shared blob's key, or the artifact's own. */
  fileKey: string;
  contentType: string;
}

/** The record of an artifact Scene recorded (and has not deleted); 404 otherwise. */
export async function findArtifact(ctx: AppContext, key: string): Promise<ServableArtifact> {
  const artifact = await findArtifactByKey(ctx.db, key);
  if (!artifact) throw notFound('artifact', key);
  return {
    storageKey: artifact.storageKey,
    fileKey: artifact.fileKey,
    contentType: artifact.contentType,
  };
}

/**
 * Opens a stored artifact for serving. Only keys Scene recorded are served: a key not in the
 * database is 404 before the store is touched, and the store itself refuses keys that would
 * leave its root.
 */
export async function openArtifact(
  ctx: AppContext,
  key: string,
): Promise<{ stream: Readable; size: number; contentType: string }> {
  const artifact = await findArtifact(ctx, key);
  const { stream, size } = await ctx.artifacts.open(artifact.fileKey);
  return { stream, size, contentType: artifact.contentType };
}
