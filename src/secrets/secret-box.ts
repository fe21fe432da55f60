import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';

// Secrets at rest (page basic-auth passwords, webhook signing secrets) are stored as
// `enc:v1:<base64url(iv | tag | ciphertext)>`: AES-256-GCM with a random 96-bit IV, and as
// associated data what the value is and whose it is (e.g. `webhook.secret:<id>`), so that a
// ciphertext copied into another row or column does not decrypt there.

const prefix = 'enc:v1:';
const keyBytes = 32;
const ivBytes = 12;
const tagBytes = 16;

/** How SCENE_SECRET_KEY and the generated key file spell a key. */
export const secretKeyFormat =
  '32 random bytes, base64 (44 characters) or hex (64); e.g. the output of `openssl rand -base64 32`';

/**
 * The key, with where it came from (for error messages). It never prints: logging a config
 * or an error that holds it shows `[redacted]`.
 */
export class SecretKey {
  readonly #bytes: Buffer;

  private constructor(
    bytes: Buffer,
    /** `SCENE_SECRET_KEY`, or the key file's path. */
    readonly source: string,
  ) {
    this.#bytes = bytes;
  }

  /** The key in `text` (base64 or hex), or undefined when it is not one. */
  static parse(text: string, source: string): SecretKey | undefined {
    const trimmed = text.trim();
    const bytes = /^[0-9a-f]{64}$/i.test(trimmed)
      ? Buffer.from(trimmed, 'hex')
      : /^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)
        ? Buffer.from(
            trimmed,
            trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64',
          )
        : undefined;
    return bytes?.length === keyBytes ? new SecretKey(bytes, source) : undefined;
  }

  /** A new random key and its text form (base64), to store. */
  static generate(source: string): { key: SecretKey; text: string } {
    const bytes = randomBytes(keyBytes);
    return { key: new SecretKey(bytes, source), text: bytes.toString('base64') };
  }

  /** For SecretBox only. */
  bytes(): Buffer {
    return this.#bytes;
  }

  toJSON(): string {
    return '[redacted]';
  }

  toString(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return `SecretKey [redacted] from ${this.source}`;
  }
}

/** A sealed value that does not open with this key: it was sealed with another one. */
export class SecretKeyMismatchError extends Error {
  override readonly name = 'SecretKeyMismatchError';
}

export class SecretBox {
  readonly #key: SecretKey;

  constructor(key: SecretKey) {
    this.#key = key;
  }

  /** Where the key came from, for messages. */
  get keySource(): string {
    return this.#key.source;
  }

  static isSealed(stored: string): boolean {
    return stored.startsWith(prefix);
  }

  /** `context` names the value and its owner, e.g. `page.basicAuth.password:<pageId>`. */
  seal(plaintext: string, context: string): string {
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv('aes-256-gcm', this.#key.bytes(), iv);
    cipher.setAAD(Buffer.from(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return prefix + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url');
  }

  /**
   * The plaintext of a sealed value. A value without the prefix was stored in clear by an
   * earlier version (start-up seals those) and is returned as it is.
   */
  open(stored: string, context: string): string {
    if (!SecretBox.isSealed(stored)) return stored;
    const sealed = Buffer.from(stored.slice(prefix.length), 'base64url');
    try {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        this.#key.bytes(),
        sealed.subarray(0, ivBytes),
        {
          authTagLength: tagBytes,
        },
      );
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(sealed.subarray(ivBytes, ivBytes + tagBytes));
      return Buffer.concat([
        decipher.update(sealed.subarray(ivBytes + tagBytes)),
        decipher.final(),
      ]).toString('utf8');
    } catch (error) {
      throw new SecretKeyMismatchError(
        `a stored secret (${context.split(':')[0] ?? context}) does not decrypt with the key from ` +
          `${this.#key.source}: it was encrypted with another key. Set SCENE_SECRET_KEY to the ` +
          'key the secrets were stored with (its file was secret.key in the data directory).',
        { cause: error },
      );
    }
  }
}
