import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runInNewContext } from 'node:vm';

// Issue 18: the frozen page clock in Firefox. Chromium's is Playwright's `context.clock`: an
// injected script (fake Date, performance.now, timers, requestAnimationFrame, Intl) driven over
// Playwright's protocol. puppeteer-core has no clock, so Firefox pages get the very same script
// (so that both browsers' pages see time move the same way), taken from the playwright-core
// in package.json, and Scene drives it with evaluate. It is read from playwright-core's bundle,
// which does not export it: when the bundle changes shape, clockScriptSource() throws and
// firefox-clock.test.ts fails, so an upgrade cannot silently lose the clock.

const marker = 'packages/playwright-core/src/generated/clockSource.ts';

let source: string | undefined;

/** The clock script's source (a CommonJS module exporting `inject(globalThis, browserName)`). */
export function clockScriptSource(): string {
  if (source !== undefined) return source;
  const require = createRequire(import.meta.url);
  const bundle = readFileSync(
    join(dirname(require.resolve('playwright-core/package.json')), 'lib', 'coreBundle.js'),
    'utf8',
  );
  const at = bundle.indexOf(marker);
  const start = at < 0 ? -1 : bundle.indexOf("source = '", at);
  const end = start < 0 ? -1 : bundle.indexOf("';\n", start);
  if (start < 0 || end < 0 || start - at > 500) {
    throw new Error(
      "playwright-core's clock script was not found in lib/coreBundle.js: the frozen clock " +
        'cannot be installed in Firefox (see src/capture/firefox-clock.ts)',
    );
  }
  // A single-quoted JavaScript string literal: evaluated, never run as code.
  const literal = bundle.slice(start + 'source = '.length, end + 1);
  const value: unknown = runInNewContext(literal, Object.create(null) as object, { timeout: 1000 });
  if (typeof value !== 'string' || !value.includes('function inject(')) {
    throw new Error("playwright-core's clock script has an unexpected shape");
  }
  source = value;
  return source;
}

/**
 * The init script: installs the clock in each new document, paused at `instant` (the document
 * starts at that instant with performance.now() at 0, as in Chromium).
 */
export function pausedClockScript(instant: number): string {
  return `(() => {
  const module = {};
  ${clockScriptSource()}
  if (!globalThis.__pwClock) globalThis.__pwClock = (module.exports.inject())(globalThis, 'firefox');
  globalThis.__pwClock.controller.log('pauseAt', ${Date.now()}, ${instant});
})();`;
}

/** An expression that runs the page's clock `ms` forward, firing timers and frames in order. */
export function runClockExpression(ms: number): string {
  return `globalThis.__pwClock ? globalThis.__pwClock.controller.runFor(${Math.trunc(ms)}) : Promise.reject(new Error('the page clock is not installed'))`;
}
