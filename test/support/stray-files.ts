import path from 'node:path';
import { filesBelow } from './files-below.ts';
import type { TestApp } from './test-app.ts';

/** Files in the artifact store that no artifact row (nor blob row) names: orphans. */
export async function strayArtifactFiles(t: TestApp): Promise<string[]> {
  const root = path.join(t.dataDir, 'artifacts');
  const keys = new Set<string>();
  const artifacts = await t.app.db.selectFrom('artifacts').select('storage_key').execute();
  for (const row of artifacts) keys.add(row.storage_key);
  for (const row of await t.app.db.selectFrom('blobs').select('key').execute()) keys.add(row.key);
  return [...filesBelow(root).keys()]
    .map((file) => path.relative(root, file).split(path.sep).join('/'))
    .filter((key) => !keys.has(key));
}
