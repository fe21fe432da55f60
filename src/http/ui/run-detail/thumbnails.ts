import { artifactUrlPrefix } from '../../../artifacts/artifact-files.ts';

/** The thumbnail URL of an artifact URL (served by thumbnails.routes.ts). */
export function thumbnailUrl(artifactUrl: string | undefined): string | undefined {
  if (!artifactUrl?.startsWith(artifactUrlPrefix)) return undefined;
  return `/thumbnails/${artifactUrl.slice(artifactUrlPrefix.length)}`;
}
