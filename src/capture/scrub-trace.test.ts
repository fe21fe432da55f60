import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { captureRequest } from './capture-test-helpers.ts';
import { redacted, scrubTrace, traceSecretsOf } from './scrub-trace.ts';

const password = 'hunter2-Pw';
const token = Buffer.from(`qa:${password}`).toString('base64');
const request = captureRequest('https://staging.test/', {
  basicAuth: { username: 'qa', password },
  cookieBanner: {
    removeSelectors: [],
    cookies: [{ name: 'sso', value: 'sso-token-77' }],
  },
});

function header(name: string, value: string) {
  return { name, value };
}

function traceZip(): Buffer {
  const network = {
    type: 'resource-snapshot',
    snapshot: {
      request: {
        url: 'https://staging.test/app.css',
        cookies: [
          { name: 'sso', value: 'sso-token-77' },
          { name: 'theme', value: 'dark' },
        ],
        headers: [
          header('Authorization', `Basic ${token}`),
          header('proxy-authorization', 'Bearer proxy-cred'),
          header('Cookie', 'sso=sso-token-77; theme=dark'),
          header('Accept', 'text/css'),
        ],
      },
      response: { headers: [header('Set-Cookie', 'sso=sso-token-77; Path=/')] },
    },
  };
  const events = [
    { type: 'context-options', options: { viewport: { width: 1280, height: 800 } } },
    {
      type: 'before',
      method: 'addCookies',
      params: { cookies: [{ name: 'sso', value: 'sso-token-77' }] },
    },
    { type: 'log', message: `navigating to "https://qa:${password}@staging.test/"` },
    { type: 'before', method: 'setExtraHTTPHeaders', params: { headers: { Authorization: 'x' } } },
  ];
  return Buffer.from(
    zipSync({
      'trace.network': strToU8(`${JSON.stringify(network)}\n`),
      'trace.trace': strToU8(events.map((e) => JSON.stringify(e)).join('\n') + '\n'),
      'resources/page.html': strToU8(`<p>your password is ${password}</p>`),
      'trace.stacks': strToU8('{"files":[],"stacks":[]}'),
    }),
  );
}

function entries(zip: Buffer): Record<string, string> {
  return Object.fromEntries(
    Object.entries(unzipSync(zip)).map(([name, bytes]) => [name, strFromU8(bytes)]),
  );
}

describe('scrubTrace', () => {
  it('removes credential headers, preset cookie values, URL credentials and the password', () => {
    const scrubbed = entries(scrubTrace(traceZip(), traceSecretsOf(request)));
    const everything = Object.values(scrubbed).join('\n');
    for (const secret of [password, token, 'proxy-cred', 'sso-token-77', `qa:${password}`]) {
      expect(everything).not.toContain(secret);
    }

    const network = JSON.parse(scrubbed['trace.network'] ?? '') as {
      snapshot: {
        request: { cookies: unknown[]; headers: { name: string; value: string }[] };
        response: { headers: { name: string; value: string }[] };
      };
    };
    expect(network.snapshot.request.headers).toEqual([
      header('Authorization', redacted),
      header('proxy-authorization', redacted),
      // The page's own cookies stay: they are what a trace reader debugs.
      header('Cookie', `sso=${redacted}; theme=dark`),
      header('Accept', 'text/css'),
    ]);
    expect(network.snapshot.request.cookies).toEqual([
      { name: 'sso', value: redacted },
      { name: 'theme', value: 'dark' },
    ]);
    expect(network.snapshot.response.headers).toEqual([
      header('Set-Cookie', `sso=${redacted}; Path=/`),
    ]);
    expect(scrubbed['trace.trace']).toContain(`https://${redacted}@staging.test/`);
    expect(scrubbed['trace.trace']).toContain('"headers":{"Authorization":"[redacted]"}');
    // Every line is still one JSON event, as the trace viewer reads them.
    for (const line of (scrubbed['trace.trace'] ?? '').split('\n').filter(Boolean)) {
      expect(() => JSON.parse(line) as unknown).not.toThrow();
    }
    // Resources keep their length: only the secret's bytes are masked.
    expect(scrubbed['resources/page.html']).toBe(
      `<p>your password is ${'*'.repeat(password.length)}</p>`,
    );
    expect(scrubbed['trace.stacks']).toBe('{"files":[],"stacks":[]}');
  });

  it('hands back the same zip when there is nothing to remove', () => {
    const zip = Buffer.from(
      zipSync({ 'trace.network': strToU8('{"type":"resource-snapshot","snapshot":{}}\n') }),
    );
    expect(scrubTrace(zip, traceSecretsOf(captureRequest('https://a.test/')))).toBe(zip);
  });

  it('does not search for very short passwords everywhere, but still redacts the header', () => {
    const secrets = traceSecretsOf(
      captureRequest('https://a.test/', { basicAuth: { username: 'u', password: 'ab' } }),
    );
    expect(secrets.values).not.toContain('ab');
    expect(secrets.values).toContain(Buffer.from('u:ab').toString('base64'));
    const zip = Buffer.from(
      zipSync({
        'trace.network': strToU8(
          JSON.stringify({
            headers: [header('Authorization', 'Basic dTphYg=='), header('X', 'about')],
          }),
        ),
      }),
    );
    expect(entries(scrubTrace(zip, secrets))['trace.network']).toBe(
      JSON.stringify({ headers: [header('Authorization', redacted), header('X', 'about')] }),
    );
  });
});
