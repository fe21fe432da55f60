import { createHmac, timingSafeEqual } from 'node:crypto';
import { newSecret } from '../shared/ids.ts';

/** A new signing secret; the prefix lets secret scanners recognise a leaked one. */
export function newWebhookSecret(): string {
  return `whsec_${newSecret()}`;
}

/**
 * The `Scene-Signature` header value: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`,
 * keyed with the webhook's secret (its UTF-8 bytes, prefix included).
 */
export function signWebhookBody(secret: string, body: string, timestampSeconds: number): string {
  return `t=${timestampSeconds},v1=${hmacHex(secret, `${timestampSeconds}.${body}`)}`;
}

export interface VerifyOptions {
  /** Reject signatures older or newer than this (replay protection); default 5 minutes. */
  toleranceSeconds?: number;
  nowSeconds?: number;
}

/** What a receiver does; Scene uses it in its tests and the README shows the same steps. */
export function verifyWebhookSignature(
  secret: string,
  header: string,
  body: string,
  options: VerifyOptions = {},
): boolean {
  const parts = new Map<string, string[]>();
  for (const item of header.split(',')) {
    const [key, value] = item.trim().split('=', 2);
    if (key === undefined || value === undefined) continue;
    parts.set(key, [...(parts.get(key) ?? []), value]);
  }
  const t = parts.get('t')?.[0];
  if (t === undefined || !/^\d+$/.test(t)) return false;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(t)) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(hmacHex(secret, `${t}.${body}`));
  return (parts.get('v1') ?? []).some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

function hmacHex(secret: string, message: string): string {
  return createHmac('sha256', secret).update(message).digest('hex');
}
