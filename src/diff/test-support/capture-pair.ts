import { chromium } from 'playwright-core';
import { requiredChromiumArgs } from '../../capture/chromium-args.ts';
import { findChromium } from '../../capture/find-chromium.ts';
import { serveContentPages } from './content-page.ts';

// Real Chromium screenshots of the fixture page: a baseline, a repeat capture of the baseline
// (byte-identical in practice) and a changed variant, at the given viewport and full-page height.

export interface ScreenshotPair {
  baseline: Buffer;
  baselineAgain: Buffer;
  changed: Buffer;
}

export async function captureScreenshotPair(
  width: number,
  height: number,
): Promise<ScreenshotPair> {
  const pages = await serveContentPages();
  const browser = await chromium.launch({
    executablePath: findChromium(),
    args: requiredChromiumArgs,
  });
  try {
    const shoot = async (url: string): Promise<Buffer> => {
      const context = await browser.newContext({
        viewport: { width, height: Math.min(height, 1080) },
        deviceScaleFactor: 1,
      });
      try {
        const page = await context.newPage();
        await page.goto(url, { waitUntil: 'load' });
        await page.evaluate(() => document.fonts.ready);
        return await page.screenshot({ fullPage: true, animations: 'disabled', caret: 'hide' });
      } finally {
        await context.close();
      }
    };
    return {
      baseline: await shoot(pages.url('baseline', height)),
      baselineAgain: await shoot(pages.url('baseline', height)),
      changed: await shoot(pages.url('changed', height)),
    };
  } finally {
    await browser.close();
    await pages.close();
  }
}
