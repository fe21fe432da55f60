import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

// The one place credentials are hashed. Passwords: argon2id (slow, salted). API tokens and
// session secrets are 256 random bits, so a SHA-256 is enough and lets them be looked up.

/** Algorithm 2 = argon2id (the package's const enum cannot be imported under isolatedModules). */
const argon2id = 2;

export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: argon2id });
}

export async function verifyPassword(
  passwordHash: string | null,
  password: string,
): Promise<boolean> {
  // Without a hash, still spend the time of a verification: response time tells nothing.
  if (passwordHash === null) {
    await hash(password, { algorithm: argon2id });
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Prefix of every API token, so that secret scanners can recognise one. */
export const tokenPrefix = 'scene_';

export function newToken(): string {
  return `${tokenPrefix}${randomBytes(32).toString('base64url')}`;
}

export function newSessionSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The CSRF token of a session: derived from its secret, so nothing more is stored. */
export function csrfTokenOf(sessionSecret: string): string {
  return createHash('sha256').update(`csrf:${sessionSecret}`).digest('base64url');
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
