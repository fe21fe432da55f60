import { randomBytes } from 'node:crypto';

const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * Opaque, random, lowercase ids. Random (not time-ordered) so that a short prefix,
 * typed by a user like a git hash, is very likely unique.
 */
export function newId(length = 16): string {
  let id = '';
  while (id.length < length) {
    for (const byte of randomBytes(length)) {
      // 252 = 7 * 36: skipping bytes >= 252 keeps every character equally likely.
      if (byte < 252 && id.length < length) id += alphabet[byte % 36];
    }
  }
  return id;
}

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}
