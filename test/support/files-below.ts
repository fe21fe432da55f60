import fs from 'node:fs';
import path from 'node:path';

/** Every file below `dir` (recursively) with its size in bytes; empty when `dir` is absent. */
export function filesBelow(dir: string): Map<string, number> {
  const files = new Map<string, number>();
  if (!fs.existsSync(dir)) return files;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files.set(full, fs.statSync(full).size);
  }
  return files;
}

export function totalBytes(files: Map<string, number>): number {
  return [...files.values()].reduce((a, b) => a + b, 0);
}
