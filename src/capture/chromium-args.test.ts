import { readFileSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { browserPid } from '../../test/support/browser-pid.ts';
import { BrowserPool } from './browser-pool.ts';
import {
  playwrightDisabledFeatures,
  requiredChromiumArgs,
  sceneDisabledFeatures,
} from './chromium-args.ts';
import { findChromium } from './find-chromium.ts';

// Chromium keeps the last --disable-features switch only: the one Scene appends must carry
// Playwright's own list, and this reads both from the real command lines.
async function effectiveDisabledFeatures(browser: Browser): Promise<string[]> {
  const cmdline = readFileSync(`/proc/${await browserPid(browser)}/cmdline`, 'utf8').split('\0');
  const switches = cmdline.filter((arg) => arg.startsWith('--disable-features='));
  return (switches.at(-1) ?? '').slice('--disable-features='.length).split(',').filter(Boolean);
}

describe('Chromium launch flags', () => {
  const pool = new BrowserPool();
  afterAll(() => pool.close());

  it("keep Playwright's disabled features and add Scene's", async () => {
    const plain = await chromium.launch({
      executablePath: findChromium(),
      args: requiredChromiumArgs,
    });
    try {
      const playwrights = await effectiveDisabledFeatures(plain);
      expect(playwrights.length).toBeGreaterThan(0);
      // a Playwright upgrade that changes its list shows up here: update playwrightDisabledFeatures
      expect([...playwrightDisabledFeatures].sort()).toEqual([...playwrights].sort());
      const scenes = await effectiveDisabledFeatures(await pool.acquire('chromium'));
      expect(scenes).toEqual(expect.arrayContaining([...playwrights, ...sceneDisabledFeatures]));
    } finally {
      await plain.close();
    }
  });
});
