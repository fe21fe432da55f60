import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeArtifactFile } from '../../src/artifacts/artifact-files.ts';
import {
  collectUnreferencedBlobs,
  removeArtifactFiles,
} from '../../src/artifacts/artifact-removal.ts';
import {
  deleteArtifactRows,
  insertArtifact,
  type ArtifactRecord,
} from '../../src/artifacts/artifacts.repository.ts';
import { createTestApp, dialects, type TestApp } from '../support/test-app.ts';
import { injectClient } from '../support/scene-client.ts';

/**
 * The reference counting of shared blobs under concurrency, without a browser: writers and
 * deleters of the same bytes at once, on SQLite and on Postgres (where they really overlap).
 */
describe.each(dialects)('shared blobs under concurrent writes and deletions on %s', (dialect) => {
  let t: TestApp;
  let projectId: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const api = injectClient(t.server);
    projectId = (await api.ok<{ id: string }>('POST', '/projects', { name: 'blobs' })).id;
  });
  afterAll(() => t.close());

  const png = (n: number) =>
    Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from(`image ${n}`)]);

  async function record(bytes: Buffer): Promise<ArtifactRecord> {
    const artifact = await writeArtifactFile(t.app, {
      projectId,
      runId: 'r',
      executionId: 'e',
      kind: 'screenshot',
      extension: 'png',
      bytes,
    });
    await insertArtifact(t.app.db, { ...artifact, runId: null, executionId: null });
    return artifact;
  }

  async function release(artifact: ArtifactRecord) {
    await deleteArtifactRows(t.app.db, [artifact.id]);
    return removeArtifactFiles(t.app, [
      { id: artifact.id, fileKey: artifact.blobKey ?? '', byteSize: artifact.byteSize },
    ]);
  }

  const stored = async (artifact: ArtifactRecord) =>
    (await t.app.artifacts.get(artifact.blobKey ?? '')).equals(png(0))
      ? true
      : Promise.reject(new Error('wrong bytes'));
  const blobExists = async (key: string) =>
    t.app.artifacts.get(key).then(
      () => true,
      () => false,
    );

  it('stores equal bytes once, and counts them only for the first writer', async () => {
    const first = await record(png(1));
    const second = await record(png(1));
    expect(second.blobKey).toBe(first.blobKey);
    expect(second.storageKey).not.toBe(first.storageKey);
    expect([first.storedBytes, second.storedBytes]).toEqual([first.byteSize, 0]);
    await release(first);
    await release(second);
    expect(await blobExists(first.blobKey ?? '')).toBe(false);
  });

  it('two deletions of the last two references remove the blob exactly once', async () => {
    for (let round = 0; round < 10; round++) {
      const a = await record(png(2));
      const b = await record(png(2));
      const results = await Promise.all([release(a), release(b)]);
      expect(results.map((r) => r.filesRemoved).sort()).toEqual([0, 1]);
      expect(results.reduce((sum, r) => sum + r.bytesFreed, 0)).toBe(a.byteSize);
      expect(await blobExists(a.blobKey ?? '')).toBe(false);
      expect(await t.app.db.selectFrom('blobs').selectAll().execute()).toEqual([]);
    }
  });

  it('a write racing the deletion of the last reference always ends with its bytes stored', async () => {
    for (let round = 0; round < 10; round++) {
      const old = await record(png(0));
      const [, fresh] = await Promise.all([release(old), record(png(0))]);
      expect(await stored(fresh)).toBe(true);
      const rows = await t.app.db.selectFrom('blobs').select('key').execute();
      expect(rows.map((r) => r.key)).toEqual([fresh.blobKey]);
      await release(fresh);
      expect(await blobExists(fresh.blobKey ?? '')).toBe(false);
    }
  });

  it('keeps a blob written but not yet recorded (pinned); collects it once the pin expired', async () => {
    const recorded = await record(png(3));
    // Written, never recorded (a cancelled capture): pinned.
    const pending = await writeArtifactFile(t.app, {
      projectId,
      runId: 'r',
      executionId: 'e',
      kind: 'screenshot',
      extension: 'png',
      bytes: png(3),
    });
    expect((await release(recorded)).filesRemoved).toBe(0);
    expect(await collectUnreferencedBlobs(t.app)).toEqual({ bytesFreed: 0, filesRemoved: 0 });
    expect(await blobExists(pending.blobKey ?? '')).toBe(true);

    await t.app.db
      .updateTable('blob_pins')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', pending.id)
      .execute();
    expect(await collectUnreferencedBlobs(t.app)).toEqual({
      bytesFreed: pending.byteSize,
      filesRemoved: 1,
    });
    expect(await blobExists(pending.blobKey ?? '')).toBe(false);
    expect(await t.app.db.selectFrom('blob_pins').selectAll().execute()).toEqual([]);
  });
});
