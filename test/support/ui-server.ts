import { chromium, type Browser, type Page } from 'playwright-core';
import { requiredChromiumArgs } from '../../src/capture/chromium-args.ts';
import { findChromium } from '../../src/capture/find-chromium.ts';
import { createTestApp, type Dialect, type TestApp } from './test-app.ts';

export interface ListeningScene extends TestApp {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
}

/** A real Scene listening on 127.0.0.1 (random port), for browser tests of the UI. */
export async function startListeningScene(
  dialect: Dialect = 'sqlite',
  env: Record<string, string> = {},
): Promise<ListeningScene> {
  const testApp = await createTestApp(dialect, env);
  await testApp.server.listen({ host: '127.0.0.1', port: 0 });
  const address = testApp.server.server.address();
  if (address === null || typeof address !== 'object') {
    await testApp.close();
    throw new Error('the Scene test server is not listening on a TCP port');
  }
  return { ...testApp, url: `http://127.0.0.1:${address.port}` };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), args: requiredChromiumArgs });
}

/** A fresh page (own context) at the given viewport, failing the test on page errors. */
export async function openPage(
  browser: Browser,
  viewport: { width: number; height: number } = { width: 1280, height: 900 },
): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport, reducedMotion: 'reduce' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    // A refused form (422) or a missing resource is the UI working, not a page error.
    const expected = /^Failed to load resource: the server responded with a status of 4\d\d/;
    if (message.type() === 'error' && !expected.test(message.text())) errors.push(message.text());
  });
  return { page, errors };
}
