import { Readable } from 'node:stream';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { ArtifactsConfig } from '../config/config.ts';
import { AppError } from '../shared/errors.ts';
import { assertArtifactKey } from './artifact-keys.ts';
import type { ArtifactStore } from './artifact-store.ts';

type S3Config = Extract<ArtifactsConfig, { kind: 's3' }>;

/** S3's limit on the keys of one DeleteObjects request. */
const deleteBatch = 1000;

/**
 * Artifacts as objects in an S3 bucket (AWS, or any S3-compatible server through
 * SCENE_S3_ENDPOINT), below an optional key prefix. Every process (serve, workers) reads and
 * writes the same bucket; the API streams objects to clients, so access stays behind Scene.
 */
export class S3ArtifactStore implements ArtifactStore {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;

  private constructor(config: S3Config) {
    this.#bucket = config.bucket;
    this.#prefix = config.prefix === '' ? '' : `${config.prefix}/`;
    this.#client = new S3Client({
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      ...(config.endpoint !== undefined && { endpoint: config.endpoint }),
      // A copy: the SDK marks the credentials object it is given (and the config is frozen).
      ...(config.credentials !== undefined && { credentials: { ...config.credentials } }),
      // Checksums only where S3 requires them: S3-compatible servers do not all accept the
      // SDK's default trailing checksums.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  /** Checks that the bucket answers, or fails the start with a message naming it. */
  static async connect(config: S3Config): Promise<S3ArtifactStore> {
    const store = new S3ArtifactStore(config);
    try {
      await store.#client.send(new HeadBucketCommand({ Bucket: config.bucket }));
    } catch (error) {
      store.#client.destroy();
      const where = config.endpoint ?? `AWS (${config.region})`;
      throw new Error(
        `cannot reach the S3 bucket '${config.bucket}' at ${where} (SCENE_ARTIFACTS, SCENE_S3_ENDPOINT): ${describeS3Error(error)}`,
        { cause: error },
      );
    }
    return store;
  }

  #key(key: string): string {
    assertArtifactKey(key);
    return this.#prefix + key;
  }

  async put(key: string, bytes: Buffer, contentType: string): Promise<void> {
    await this.#client.send(
      new PutObjectCommand({
        Bucket: this.#bucket,
        Key: this.#key(key),
        Body: bytes,
        ContentType: contentType,
        ContentLength: bytes.length,
      }),
    );
  }

  async get(key: string): Promise<Buffer> {
    const { stream } = await this.open(key);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async open(key: string): Promise<{ stream: Readable; size: number }> {
    try {
      const object = await this.#client.send(
        new GetObjectCommand({ Bucket: this.#bucket, Key: this.#key(key) }),
      );
      if (!(object.Body instanceof Readable)) {
        throw new Error(`S3 answered object '${key}' without a readable body`);
      }
      return { stream: object.Body, size: object.ContentLength ?? 0 };
    } catch (error) {
      if (error instanceof NoSuchKey || isStatus(error, 404)) {
        throw new AppError('not_found', `artifact '${key}' does not exist`);
      }
      throw error;
    }
  }

  localPath(): undefined {
    return undefined;
  }

  async remove(keys: string[]): Promise<void> {
    const objects = keys.map((key) => ({ Key: this.#key(key) }));
    for (let i = 0; i < objects.length; i += deleteBatch) {
      const result = await this.#client.send(
        new DeleteObjectsCommand({
          Bucket: this.#bucket,
          Delete: { Objects: objects.slice(i, i + deleteBatch), Quiet: true },
        }),
      );
      // Deleting an absent key is not an error; anything else is.
      const failed = (result.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (failed.length > 0) {
        throw new Error(
          `S3 refused to delete ${failed.length} object(s), e.g. ${failed[0]?.Key ?? '?'}: ${failed[0]?.Code ?? '?'} ${failed[0]?.Message ?? ''}`,
        );
      }
    }
  }

  close(): void {
    this.#client.destroy();
  }
}

function isStatus(error: unknown, status: number): boolean {
  return error instanceof S3ServiceException && error.$metadata.httpStatusCode === status;
}

function describeS3Error(error: unknown): string {
  if (error instanceof S3ServiceException) {
    const status = error.$metadata.httpStatusCode;
    if (status === 404) return 'no such bucket';
    if (status === 403) return 'access denied (check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)';
    return `${error.name}${status === undefined ? '' : ` (HTTP ${status})`}`;
  }
  return error instanceof Error ? error.message : String(error);
}
