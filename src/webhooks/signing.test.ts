import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret, signWebhookBody, verifyWebhookSignature } from './signing.ts';

describe('webhook signatures', () => {
  const secret = 'whsec_test';
  const body = '{"id":"e1","type":"ping","createdAt":"2026-01-01T00:00:00.000Z","data":{}}';

  it('is t=<seconds>,v1=<hex HMAC-SHA256 of "t.body">', () => {
    const header = signWebhookBody(secret, body, 1_800_000_000);
    const mac = createHmac('sha256', secret).update(`1800000000.${body}`).digest('hex');
    expect(header).toBe(`t=1800000000,v1=${mac}`);
  });

  it('verifies only the same body, secret and a recent timestamp', () => {
    const now = 1_800_000_000;
    const header = signWebhookBody(secret, body, now);
    expect(verifyWebhookSignature(secret, header, body, { nowSeconds: now + 10 })).toBe(true);
    expect(verifyWebhookSignature(secret, header, `${body}\n`, { nowSeconds: now })).toBe(false);
    expect(verifyWebhookSignature('whsec_other', header, body, { nowSeconds: now })).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, { nowSeconds: now + 301 })).toBe(false);
    expect(
      verifyWebhookSignature(secret, header, body, {
        nowSeconds: now + 3600,
        toleranceSeconds: 7200,
      }),
    ).toBe(true);
    expect(verifyWebhookSignature(secret, 'v1=abc', body, { nowSeconds: now })).toBe(false);
    expect(verifyWebhookSignature(secret, `t=${now},v1=zz`, body, { nowSeconds: now })).toBe(false);
    // A replayed signature with a forged timestamp does not verify.
    const forged = header.replace(`t=${now}`, `t=${now + 100}`);
    expect(verifyWebhookSignature(secret, forged, body, { nowSeconds: now + 100 })).toBe(false);
  });

  it('makes distinct, prefixed secrets', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newWebhookSecret()).not.toBe(a);
  });
});
