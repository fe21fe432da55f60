import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fixturePaths,
  startFixtureSite,
  type FixtureSite,
} from '../../test/fixtures/site/fixture-site.ts';
import { isTransientFailure } from './capture-error.ts';
import { requiredChromiumArgs } from './chromium-args.ts';
import {
  ClosedDuringCallError,
  guardPlaywrightConnection,
  type DroppedMessage,
} from './connection-guard.ts';
import { findChromium } from './find-chromium.ts';

// The race of issue #10 replayed deterministically on the real in-process connection: the
// server's answer to a call names a Response the client has already disposed (its page
// closed first). Unguarded, Connection.dispatch throws from a setImmediate: the process dies.

interface Connection {
  dispatch(message: unknown): void;
  _callbacks: Map<string | number, unknown>;
  _objects: Map<string, unknown>;
}

const connectionOf = (owner: object): Connection => Reflect.get(owner, '_connection') as Connection;
const guidOf = (owner: object): string => Reflect.get(owner, '_guid') as string;

let site: FixtureSite;
let browser: Browser;
let context: BrowserContext;
const reports: { error: Error; message: DroppedMessage }[] = [];

beforeAll(async () => {
  site = await startFixtureSite();
  browser = await chromium.launch({ executablePath: findChromium(), args: requiredChromiumArgs });
  expect(
    guardPlaywrightConnection(browser, (error, message) => reports.push({ error, message })),
  ).toBe(true);
  context = await browser.newContext();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

/** A Response object whose page has closed: disposed on the client, as in the race. */
async function disposedResponseGuid(): Promise<string> {
  const page = await context.newPage();
  const response = await page.goto(site.url + fixturePaths.about);
  if (!response) throw new Error('no response');
  const guid = guidOf(response);
  await page.close();
  expect(connectionOf(browser)._objects.has(guid)).toBe(false);
  return guid;
}

describe('connection guard (playwright-core race on context close)', () => {
  it('is installed once per connection, and playwright-core still has the internals it wraps', () => {
    expect(guardPlaywrightConnection(browser, () => undefined)).toBe(true);
    expect(guardPlaywrightConnection({}, () => undefined)).toBe(false);
  });

  it('an answer naming a disposed Response rejects the call as "target closed" instead of throwing out of dispatch', async () => {
    const stale = await disposedResponseGuid();
    const page = await context.newPage();
    const connection = connectionOf(browser);
    const before = new Set(connection._callbacks.keys());
    const navigation = page.goto(site.url + fixturePaths.hung, { timeout: 0 });
    navigation.catch(() => undefined);
    // The pending Frame.goto call: the one key that was not there before.
    let id: string | number | undefined;
    for (let tries = 0; id === undefined && tries < 100; tries++) {
      await new Promise((resolve) => setImmediate(resolve));
      id = [...connection._callbacks.keys()].find((key) => !before.has(key));
    }
    expect(id).toBeDefined();
    reports.length = 0;

    // The message the server sent in the race: goto's result, naming the disposed Response.
    expect(() => connection.dispatch({ id, result: { response: { guid: stale } } })).not.toThrow();

    const error = await navigation.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ClosedDuringCallError);
    expect(isTransientFailure(error)).toBe(true);
    expect(String((error as Error).message)).toContain('was not bound in the connection');
    expect(reports.map((report) => report.message)).toEqual([
      expect.objectContaining({ id, call: 'Frame.goto' }),
    ]);

    // The real answer still comes when the page closes: no call waits for it any more, which
    // playwright-core would also throw about ("Cannot find command to respond").
    await page.close();
    await expect
      .poll(() => reports.map((report) => report.error.message))
      .toContain(`Cannot find command to respond: ${String(id)}`);
  });

  it('an event naming a disposed object is dropped and reported', async () => {
    const stale = await disposedResponseGuid();
    const page = await context.newPage();
    reports.length = 0;
    const event = {
      guid: guidOf(context),
      method: 'response',
      params: { response: { guid: stale }, page: { guid: guidOf(page) } },
    };
    expect(() => connectionOf(browser).dispatch(event)).not.toThrow();
    expect(reports).toEqual([
      expect.objectContaining({ message: { method: 'response', guid: guidOf(context) } }),
    ]);
    // The connection still works.
    expect(await page.evaluate(() => 1 + 1)).toBe(2);
    await page.close();
  });
});
