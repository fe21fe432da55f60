import type { ArtifactsConfig } from '../config/config.ts';
import type { ArtifactStore } from './artifact-store.ts';
import { DiskArtifactStore } from './disk-artifact-store.ts';
import { S3ArtifactStore } from './s3-artifact-store.ts';

/** The artifact store SCENE_ARTIFACTS names; an unreachable bucket fails the start. */
export async function createArtifactStore(config: ArtifactsConfig): Promise<ArtifactStore> {
  switch (config.kind) {
    case 'disk':
      return new DiskArtifactStore(config.dir);
    case 's3':
      return S3ArtifactStore.connect(config);
  }
}

/** Where the artifacts are, for the start-up log line. */
export function describeArtifacts(config: ArtifactsConfig): string {
  return config.kind === 'disk' ? config.dir : `s3://${config.bucket}/${config.prefix}`;
}
