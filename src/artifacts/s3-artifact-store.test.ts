import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import { startS3Server, type S3TestServer } from '../../test/support/s3-server.ts';
import { S3ArtifactStore } from './s3-artifact-store.ts';

// The S3 store against a real S3-protocol server (s3rver) on 127.0.0.1, through the real SDK.

describe('S3ArtifactStore', () => {
  let s3: S3TestServer;
  let store: S3ArtifactStore;

  const configFor = (env: Record<string, string>) => {
    const artifacts = loadConfig({ SCENE_DATA_DIR: '/tmp/unused', ...env }).artifacts;
    if (artifacts.kind !== 's3') throw new Error('expected an s3 config');
    return artifacts;
  };

  beforeAll(async () => {
    s3 = await startS3Server();
    store = await S3ArtifactStore.connect(configFor(s3.env('tests')));
  });
  afterAll(async () => {
    store.close();
    await s3.close();
  });

  it('writes, reads, streams and deletes objects below its prefix', async () => {
    const bytes = Buffer.from('\x89PNG not really');
    await store.put('p1/r1/e1/screenshot.png', bytes, 'image/png');
    expect(await store.get('p1/r1/e1/screenshot.png')).toEqual(bytes);
    const { stream, size } = await store.open('p1/r1/e1/screenshot.png');
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks)).toEqual(bytes);
    expect(size).toBe(bytes.length);
    expect(store.localPath()).toBeUndefined();
    await store.remove(['p1/r1/e1/screenshot.png', 'p1/r1/e1/never-written.png']);
    await expect(store.get('p1/r1/e1/screenshot.png')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('answers a missing or malformed key as not found', async () => {
    await expect(store.open('nothing/here.png')).rejects.toMatchObject({ code: 'not_found' });
    await expect(store.get('../escape.png')).rejects.toMatchObject({ code: 'not_found' });
    await expect(store.put('/absolute.png', Buffer.from('x'), 'image/png')).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('deletes more objects than one request may name', async () => {
    const keys = Array.from({ length: 1005 }, (_, i) => `bulk/k${i}.txt`);
    await Promise.all(keys.slice(0, 20).map((k) => store.put(k, Buffer.from(k), 'text/plain')));
    await store.remove(keys);
    await expect(store.get('bulk/k0.txt')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses to start on a bucket that does not exist or an unreachable server', async () => {
    await expect(
      S3ArtifactStore.connect(configFor({ ...s3.env(), SCENE_ARTIFACTS: 's3://no-such-bucket/x' })),
    ).rejects.toThrow(
      /cannot reach the S3 bucket 'no-such-bucket' at http:\/\/127\.0\.0\.1:\d+ .*no such bucket/,
    );
    await expect(
      S3ArtifactStore.connect(configFor({ ...s3.env(), SCENE_S3_ENDPOINT: 'http://127.0.0.1:1' })),
    ).rejects.toThrow(/cannot reach the S3 bucket 'scene-artifacts' at http:\/\/127\.0\.0\.1:1/);
  });
});
