import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SecretBox, SecretKey, SecretKeyMismatchError } from './secret-box.ts';

const keyText = Buffer.alloc(32, 1).toString('base64');

function box(text = keyText, source = 'SCENE_SECRET_KEY'): SecretBox {
  const key = SecretKey.parse(text, source);
  if (!key) throw new Error('test key does not parse');
  return new SecretBox(key);
}

describe('SecretBox', () => {
  it('seals with a versioned prefix and a fresh IV, and opens what it sealed', () => {
    const first = box().seal('hunter2', 'webhook.secret:w1');
    const second = box().seal('hunter2', 'webhook.secret:w1');
    expect(first).toMatch(/^enc:v1:[A-Za-z0-9_-]+$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain('hunter2');
    expect(box().open(first, 'webhook.secret:w1')).toBe('hunter2');
    expect(box().open(box().seal('', 'c:1'), 'c:1')).toBe('');
    expect(box().open(box().seal('pässwörd ✓', 'c:1'), 'c:1')).toBe('pässwörd ✓');
  });

  it('opens a sealed value only with the same key and for the same column and row', () => {
    const sealed = box().seal('hunter2', 'page.basicAuth.password:p1');
    expect(() => box().open(sealed, 'page.basicAuth.password:p2')).toThrow(SecretKeyMismatchError);
    expect(() => box().open(sealed, 'webhook.secret:p1')).toThrow(SecretKeyMismatchError);
    const other = box(Buffer.alloc(32, 2).toString('hex'), '/data/secret.key');
    expect(() => other.open(sealed, 'page.basicAuth.password:p1')).toThrow(
      /page\.basicAuth\.password\) does not decrypt with the key from \/data\/secret\.key/,
    );
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('AA') ? 'AB' : 'AA');
    expect(() => box().open(tampered, 'page.basicAuth.password:p1')).toThrow(
      SecretKeyMismatchError,
    );
  });

  it('returns values stored in clear by an earlier version as they are', () => {
    expect(SecretBox.isSealed('hunter2')).toBe(false);
    expect(box().open('hunter2', 'c:1')).toBe('hunter2');
  });
});

describe('SecretKey', () => {
  it('reads 32 bytes as base64 (padded or not, url-safe or not) or hex, and nothing else', () => {
    const bytes = Buffer.from([...Array(32).keys()].map((i) => i * 7 + 250));
    const sealed = box(bytes.toString('base64')).seal('x', 'c:1');
    for (const spelling of [
      bytes.toString('base64').replace(/=$/, ''),
      bytes.toString('base64url'),
      bytes.toString('hex').toUpperCase(),
      `  ${bytes.toString('base64')}\n`,
    ]) {
      expect(box(spelling).open(sealed, 'c:1')).toBe('x');
    }
    for (const bad of ['', 'short', Buffer.alloc(16).toString('base64'), 'z'.repeat(64)]) {
      expect(SecretKey.parse(bad, 'SCENE_SECRET_KEY')).toBeUndefined();
    }
  });

  it('never prints', () => {
    const key = SecretKey.parse(keyText, 'SCENE_SECRET_KEY');
    const printed = [JSON.stringify({ key }), String(key), inspect({ key }), `${String(key)}`];
    for (const text of printed) {
      expect(text).not.toContain(keyText);
      expect(text).toContain('[redacted]');
    }
  });
});
