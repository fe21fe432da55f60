import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

/** s3rver's built-in account. */
export const s3Credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface S3TestServer {
  endpoint: string;
  bucket: string;
  /** Where s3rver keeps the objects (one folder per bucket), for looking at what is stored. */
  directory: string;
  /** SCENE_* and AWS_* variables that point Scene at this server, below `prefix`. */
  env(prefix?: string): Record<string, string>;
  close(): Promise<void>;
}

/** A real S3-protocol server (s3rver) on 127.0.0.1, with one bucket. */
export async function startS3Server(bucket = 'scene-artifacts'): Promise<S3TestServer> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'scene-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    directory,
    env: (prefix = 'scene') => ({
      SCENE_ARTIFACTS: `s3://${bucket}/${prefix}`,
      SCENE_S3_ENDPOINT: endpoint,
      SCENE_S3_FORCE_PATH_STYLE: 'true',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: s3Credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3Credentials.secretAccessKey,
    }),
    async close() {
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
