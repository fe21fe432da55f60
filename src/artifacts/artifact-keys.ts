import { AppError } from '../shared/errors.ts';

const keyPattern = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/i;

/**
 * Artifact keys are relative, slash-separated and made by Scene; anything else (`..`, absolute
 * paths, odd characters) is answered as a missing artifact, by every store alike.
 */
export function assertArtifactKey(key: string): void {
  if (!keyPattern.test(key) || key.includes('..')) {
    throw new AppError('not_found', `artifact '${key}' does not exist`);
  }
}
