// The Firefox row of the capture bench (issue 18): Scene's capture engine in Firefox against a
// naive puppeteer-core loop in the same Firefox build (Debian's firefox-esr over WebDriver BiDi):
// new browser context → new page → set viewport → goto → page.screenshot({ fullPage: true }) →
// close. Same pages, same concurrency, 1280x800, full page; chunks alternate which side goes
// first, as in run.ts.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type BrowserContext, type Page } from 'puppeteer-core';
import type { BrowserPool } from '../../src/capture/browser-pool.ts';
import { captureExecution } from '../../src/capture/capture-execution.ts';
import { captureRequest } from '../../src/capture/capture-test-helpers.ts';
import { findFirefox } from '../../src/capture/find-firefox.ts';

const viewport = { width: 1280, height: 800 };

async function naiveCapture(browser: Browser, url: string): Promise<Buffer> {
  const context = await browser.createBrowserContext();
  try {
    const page = await newTab(context);
    await page.setViewport(viewport);
    await page.goto(url);
    return Buffer.from(await page.screenshot({ fullPage: true }));
  } finally {
    await context.close();
  }
}

/**
 * A new tab, once more when Firefox answered that the window it was to open in had just gone
 * (another capture's context closing at that moment, under load): a race of the naive loop's
 * tabs, which would end the whole row rather than one capture.
 */
async function newTab(context: BrowserContext): Promise<Page> {
  try {
    return await context.newPage();
  } catch (error) {
    if (!(error instanceof Error) || !error.message.includes('no such frame')) throw error;
    return context.newPage();
  }
}

async function sceneCapture(pool: BrowserPool, url: string): Promise<Buffer> {
  const result = await captureExecution(
    pool,
    captureRequest(url, { browser: 'firefox', viewport }),
    { signal: new AbortController().signal },
  );
  return result.observed.png;
}

/** Captures per minute of both sides, over `captures` captures each; prints one row. */
export async function printFirefoxRow(
  pool: BrowserPool,
  siteUrl: string,
  pages: string[],
  captures: number,
  concurrency: number,
  chunkSize: number,
): Promise<void> {
  const profile = await mkdtemp(join(tmpdir(), 'bench-firefox-'));
  const naiveBrowser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: findFirefox(),
    userDataDir: profile,
    headless: true,
  });
  try {
    const sides = {
      naive: { ms: 0, n: 0, capture: (url: string) => naiveCapture(naiveBrowser, url) },
      scene: { ms: 0, n: 0, capture: (url: string) => sceneCapture(pool, url) },
    };
    // Warm-up: launches and first-use costs stay out of the numbers.
    for (const path of pages) {
      await sides.naive.capture(siteUrl + path);
      await sides.scene.capture(siteUrl + path);
    }
    for (let done = 0, chunk = 0; done < captures; done += chunkSize, chunk++) {
      const count = Math.min(chunkSize, captures - done);
      const order = chunk % 2 === 0 ? [sides.naive, sides.scene] : [sides.scene, sides.naive];
      for (const side of order) {
        const started = performance.now();
        let next = 0;
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (next < count) {
              const path = pages[next++ % pages.length] ?? '/';
              const png = await side.capture(siteUrl + path);
              if (png.length < 100) throw new Error(`empty capture of ${path}`);
            }
          }),
        );
        side.ms += performance.now() - started;
        side.n += count;
      }
    }
    const perMinute = (side: { ms: number; n: number }): number => (side.n / side.ms) * 60_000;
    const ratio = perMinute(sides.scene) / perMinute(sides.naive);
    console.log(
      [
        `firefox ${(await naiveBrowser.version()).replace(/^firefox\//i, '')}`.padEnd(16),
        String(concurrency).padStart(5),
        perMinute(sides.naive).toFixed(1).padStart(10),
        perMinute(sides.scene).toFixed(1).padStart(10),
        `${ratio.toFixed(2)}x`.padStart(6),
        `  (${captures} captures per side; naive: puppeteer-core, same Firefox)`,
      ].join(' '),
    );
  } finally {
    await naiveBrowser.close();
    await rm(profile, { recursive: true, force: true });
  }
}
