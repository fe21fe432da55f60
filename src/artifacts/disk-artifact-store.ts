import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { AppError } from '../shared/errors.ts';
import { assertArtifactKey } from './artifact-keys.ts';
import type { ArtifactStore } from './artifact-store.ts';

/** Artifacts as files below one directory. */
export class DiskArtifactStore implements ArtifactStore {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    fs.mkdirSync(this.root, { recursive: true });
  }

  /** Resolves a key below the root; anything that could escape it (.., absolute, odd characters) is refused. */
  private pathOf(key: string): string {
    assertArtifactKey(key);
    const resolved = path.resolve(this.root, key);
    if (!resolved.startsWith(this.root + path.sep)) {
      throw new AppError('not_found', `artifact '${key}' does not exist`);
    }
    return resolved;
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    const file = this.pathOf(key);
    // Write then rename: a crash never leaves a half-written file under the final name. The
    // temporary name is unique: two writers of the same content-addressed blob never share it.
    const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
    for (let attempt = 1; ; attempt++) {
      await fsp.mkdir(path.dirname(file), { recursive: true });
      try {
        await fsp.writeFile(temp, bytes);
        await fsp.rename(temp, file);
        return;
      } catch (error) {
        // remove() may have pruned the directory, emptied by a deletion, in between.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt === 3) throw error;
      }
    }
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await fsp.readFile(this.pathOf(key));
    } catch (error) {
      throw asNotFound(error, key);
    }
  }

  async open(key: string): Promise<{ stream: Readable; size: number }> {
    const file = this.pathOf(key);
    try {
      const stat = await fsp.stat(file);
      if (!stat.isFile()) throw new AppError('not_found', `artifact '${key}' does not exist`);
      return { stream: fs.createReadStream(file), size: stat.size };
    } catch (error) {
      throw asNotFound(error, key);
    }
  }

  localPath(key: string): string {
    return this.pathOf(key);
  }

  /** Also removes the directories the files leave empty (up to, not including, the root). */
  async remove(keys: string[]): Promise<void> {
    const files = keys.map((key) => this.pathOf(key));
    await Promise.all(files.map((file) => fsp.rm(file, { force: true })));
    // Deepest first, so that a parent is tried once its children are gone.
    const directories = [...new Set(files.flatMap((file) => this.parentsOf(file)))].sort(
      (a, b) => b.length - a.length,
    );
    for (const directory of directories) {
      try {
        await fsp.rmdir(directory);
      } catch (error) {
        // Still holds files (ENOTEMPTY, EEXIST on some systems) or already gone: leave it.
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOENT') throw error;
      }
    }
  }

  /** The directories between the root and this file, nearest first. */
  private parentsOf(file: string): string[] {
    const parents: string[] = [];
    for (
      let dir = path.dirname(file);
      dir.startsWith(this.root + path.sep);
      dir = path.dirname(dir)
    ) {
      parents.push(dir);
    }
    return parents;
  }
}

function asNotFound(error: unknown, key: string): unknown {
  if (error instanceof AppError) return error;
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
    return new AppError('not_found', `artifact '${key}' does not exist`);
  }
  return error;
}
