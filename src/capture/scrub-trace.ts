import { unzipSync, zipSync, type Zippable } from 'fflate';
import type { Cookie } from '../shared/domain.ts';
import type { CaptureRequest } from './capture.types.ts';

// A Playwright trace records every request with its headers: once Chromium has answered a
// basic-auth challenge it sends `Authorization: Basic base64(user:password)` with every
// request to that origin, and trace.network keeps it. Traces are served to anyone with their
// URL, so the capture engine scrubs what it knows to be secret before handing a trace out.

export const redacted = '[redacted]';

/** What a capture knows to be secret: its basic-auth credentials and the preset cookies. */
export interface TraceSecrets {
  /** Removed wherever they appear: passwords and the forms they travel in. */
  values: string[];
  /** Cookies preset from the settings: their values are removed where the cookie is sent. */
  cookies: Pick<Cookie, 'name' | 'value'>[];
}

/**
 * Shorter values are not searched for everywhere: a three-letter password would also be
 * found inside unrelated words and numbers. Headers that carry them are still redacted.
 */
const minimumSearchedLength = 4;

const credentialHeaders = new Set(['authorization', 'proxy-authorization']);

export function traceSecretsOf(request: CaptureRequest): TraceSecrets {
  const values: string[] = [];
  if (request.basicAuth) {
    const { username, password } = request.basicAuth;
    const token = Buffer.from(`${username}:${password}`).toString('base64');
    values.push(
      token,
      token.replace(/=+$/, ''),
      password,
      encodeURIComponent(password),
      Buffer.from(password).toString('base64').replace(/=+$/, ''),
    );
  }
  return {
    values: [...new Set(values)]
      .filter((value) => value.length >= minimumSearchedLength)
      // Longest first: a password inside its own token is replaced as part of the token.
      .sort((a, b) => b.length - a.length),
    cookies: request.cookieBanner.cookies.map(({ name, value }) => ({ name, value })),
  };
}

/**
 * The trace zip without the secrets: credential headers (Authorization, Proxy-Authorization)
 * always, the preset cookies' values, credentials written into URLs, and every occurrence of
 * the secret values in any entry (events, network log, stored resources). Returns the input
 * unchanged when there was nothing to remove. Synchronous: traces are a few hundred KiB.
 */
export function scrubTrace(zip: Buffer, secrets: TraceSecrets): Buffer {
  const entries = unzipSync(zip);
  const scrubbed: Zippable = {};
  let changed = false;
  for (const [name, bytes] of Object.entries(entries)) {
    const clean = scrubEntry(name, bytes, secrets);
    if (clean !== bytes) changed = true;
    scrubbed[name] = clean;
  }
  return changed ? Buffer.from(zipSync(scrubbed)) : zip;
}

function scrubEntry(name: string, bytes: Uint8Array, secrets: TraceSecrets): Uint8Array {
  // trace.trace, trace.network and their per-page chunks are JSON, one event a line.
  if (/\.(trace|network)$/.test(name)) {
    const text = Buffer.from(bytes).toString('utf8');
    const lines = text.split('\n').map((line) => scrubJsonLine(line, secrets));
    const out = lines.join('\n');
    return out === text ? bytes : Buffer.from(out);
  }
  return replaceBytes(bytes, secrets.values);
}

function scrubJsonLine(line: string, secrets: TraceSecrets): string {
  if (line.trim() === '') return line;
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch {
    return Buffer.from(replaceBytes(Buffer.from(line), secrets.values)).toString('utf8');
  }
  const clean = scrubValue(event, secrets);
  return clean === event ? line : JSON.stringify(clean);
}

/** A copy of `value` with the secrets removed, or `value` itself when it held none. */
function scrubValue(value: unknown, secrets: TraceSecrets): unknown {
  if (typeof value === 'string') return scrubString(value, secrets);
  if (Array.isArray(value)) {
    const items = value.map((item) => scrubValue(item, secrets));
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  let changed = false;
  for (const [key, field] of Object.entries(record)) {
    out[key] = isCredentialField(record, key) ? redacted : scrubValue(field, secrets);
    if (out[key] !== field) changed = true;
  }
  // HAR cookies and addCookies() parameters: {name, value, ...}.
  if (typeof record['name'] === 'string' && typeof record['value'] === 'string') {
    const preset = secrets.cookies.find(
      (cookie) => cookie.name === record['name'] && cookie.value === record['value'],
    );
    if (preset && preset.value !== '') {
      out['value'] = redacted;
      changed = true;
    }
  }
  return changed ? out : value;
}

/**
 * Header values that are credentials whoever set them: `{name: 'Authorization', value}` as in
 * HAR header lists, or `{authorization: value}` as in header maps.
 */
function isCredentialField(record: Record<string, unknown>, key: string): boolean {
  if (typeof record[key] !== 'string' || record[key] === redacted) return false;
  if (credentialHeaders.has(key.toLowerCase())) return true;
  return (
    key === 'value' &&
    typeof record['name'] === 'string' &&
    credentialHeaders.has(record['name'].toLowerCase())
  );
}

function scrubString(text: string, secrets: TraceSecrets): string {
  let out = text.replace(
    /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s"'@?#]+@/gi,
    (_match, scheme: string) => `${scheme}${redacted}@`,
  );
  for (const cookie of secrets.cookies) {
    if (cookie.value === '') continue;
    out = out.split(`${cookie.name}=${cookie.value}`).join(`${cookie.name}=${redacted}`);
  }
  for (const value of secrets.values) out = out.split(value).join(redacted);
  return out;
}

/** Resources (page bodies, images) as bytes: any secret value is masked, length kept. */
function replaceBytes(bytes: Uint8Array, values: string[]): Uint8Array {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let copy: Buffer | undefined;
  for (const value of values) {
    const needle = Buffer.from(value);
    let at = view.indexOf(needle);
    while (at !== -1) {
      copy ??= Buffer.from(view);
      copy.fill('*', at, at + needle.length);
      at = copy.indexOf(needle, at + needle.length);
    }
  }
  return copy ?? bytes;
}
