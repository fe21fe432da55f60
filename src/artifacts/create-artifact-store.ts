import type { ArtifactsConfig } from '../config/config.ts';
import type { ArtifactStore } from './artifact-store.ts';
import { DiskArtifactStore } from './disk-artifact-store.ts';

export class ArtifactStoreUnavailableError extends Error {
  override readonly name = 'ArtifactStoreUnavailableError';
}

/** The artifact store SCENE_ARTIFACTS names. */
export function createArtifactStore(config: ArtifactsConfig): ArtifactStore {
  switch (config.kind) {
    case 'disk':
      return new DiskArtifactStore(config.dir);
    case 's3':
      throw new ArtifactStoreUnavailableError(
        `SCENE_ARTIFACTS=s3://${config.bucket}: the S3 artifact store is not in this version; use a directory`,
      );
  }
}

/** Where the artifacts are, for the start-up log line. */
export function describeArtifacts(config: ArtifactsConfig): string {
  return config.kind === 'disk' ? config.dir : `s3://${config.bucket}/${config.prefix}`;
}
