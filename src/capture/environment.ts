import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { promisify } from 'node:util';
import type { CDPSession, Page } from 'playwright-core';
import type { ScriptPage } from './capture-page.ts';
import type { ExecutionEnvironment } from '../shared/domain.ts';
import { sceneVersion } from '../shared/scene-version.ts';
import type { CaptureRequest } from './capture.types.ts';

// Issue 18: the fingerprint of what rendered a screenshot. Machine facts (OS, installed fonts)
// are read once per process; the fonts a page rendered with are asked of the browser per capture.

const run = promisify(execFile);

/** Most distinct (family, weight, style) text styles whose platform fonts are asked for. */
const maxFontProbes = 40;
const probeAttribute = 'data-scene-font-probe';

let machine: Promise<{ os: string; fontsDigest: string }> | undefined;

/** This machine's OS and installed font set, read once per process. */
export function machineFingerprint(): Promise<{ os: string; fontsDigest: string }> {
  machine ??= Promise.all([osDescription(), fontsDigest()]).then(([osName, digest]) => ({
    os: osName,
    fontsDigest: digest,
  }));
  return machine;
}

async function osDescription(): Promise<string> {
  let distribution = '';
  try {
    const text = await readFile('/etc/os-release', 'utf8');
    distribution = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text)?.[1] ?? '';
  } catch {
    // Not Linux, or no os-release: the kernel says enough.
  }
  const kernel = `${os.type()} ${os.release()} ${os.arch()}`;
  return distribution ? `${distribution}; ${kernel}` : kernel;
}

/** The installed font families and styles, as listed by fontconfig, sorted. */
export async function installedFonts(): Promise<string[] | undefined> {
  try {
    const { stdout } = await run('fc-list', ['--format', '%{family}|%{style}|%{fontversion}\\n'], {
      timeout: 10_000,
      maxBuffer: 32 * 1024 * 1024,
    });
    return [...new Set(stdout.split('\n').filter((line) => line.trim() !== ''))].sort();
  } catch {
    return undefined;
  }
}

async function fontsDigest(): Promise<string> {
  const fonts = await installedFonts();
  if (!fonts) return 'unavailable (fc-list not found)';
  return createHash('sha256').update(fonts.join('\n')).digest('hex');
}

/**
 * Marks one element per distinct text style (font-family, weight, style) that renders visible
 * text, up to maxFontProbes; returns how many. A string, like the other in-page scripts.
 */
const markFontProbesScript = `(() => {
  const seen = new Set();
  const walker = document.createTreeWalker(document.body ?? document.documentElement, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node && seen.size < ${maxFontProbes}; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!element || !node.textContent || node.textContent.trim() === '') continue;
    const style = getComputedStyle(element);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const key = style.fontFamily + '|' + style.fontWeight + '|' + style.fontStyle;
    if (seen.has(key)) continue;
    seen.add(key);
    element.setAttribute(${JSON.stringify(probeAttribute)}, '');
  }
  return seen.size;
})()`;

const unmarkFontProbesScript = `(() => {
  for (const element of document.querySelectorAll('[${probeAttribute}]')) element.removeAttribute(${JSON.stringify(probeAttribute)});
})()`;

/**
 * The font families Chromium rendered the page's text with (CSS.getPlatformFontsForNode on one
 * element per distinct text style): the fonts actually used, after fallback, not the CSS lists.
 */
export async function renderedFontsChromium(page: Page, cdp: CDPSession): Promise<string[]> {
  const probes = await page.evaluate<number>(markFontProbesScript);
  if (probes === 0) return [];
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeIds } = await cdp.send('DOM.querySelectorAll', {
      nodeId: root.nodeId,
      selector: `[${probeAttribute}]`,
    });
    const families = new Set<string>();
    for (const nodeId of nodeIds) {
      const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
      for (const font of fonts) families.add(font.familyName);
    }
    return [...families].sort();
  } finally {
    await page.evaluate(unmarkFontProbesScript).catch(() => undefined);
  }
}

/**
 * Where the browser cannot say which platform fonts it used: the first family of each distinct
 * text style that the document reports as available (document.fonts.check), i.e. what CSS asked
 * for and got, without what fallback chose for missing glyphs.
 */
export async function renderedFontsFromCss(page: ScriptPage): Promise<string[]> {
  const fonts = await page.evaluateScript(`(() => {
    const families = new Set();
    const walker = document.createTreeWalker(document.body ?? document.documentElement, NodeFilter.SHOW_TEXT);
    let count = 0;
    for (let node = walker.nextNode(); node && count < 2000; node = walker.nextNode(), count++) {
      const element = node.parentElement;
      if (!element || !node.textContent || node.textContent.trim() === '') continue;
      for (const raw of getComputedStyle(element).fontFamily.split(',')) {
        const family = raw.trim().replace(/^["']|["']$/g, '');
        if (family && document.fonts.check('16px "' + family + '"')) { families.add(family); break; }
      }
    }
    return [...families].sort();
  })()`);
  return Array.isArray(fonts)
    ? fonts.filter((font): font is string => typeof font === 'string')
    : [];
}

/** The fingerprint of one capture, from the browser that rendered it and this machine. */
export async function captureEnvironment(
  request: CaptureRequest,
  browserVersion: string,
  fonts: string[],
): Promise<ExecutionEnvironment> {
  const { os: osName, fontsDigest: digest } = await machineFingerprint();
  return {
    browser: request.browser,
    browserVersion,
    os: osName,
    deviceScaleFactor: request.viewport.deviceScaleFactor ?? 1,
    fonts,
    fontsDigest: digest,
    sceneVersion,
    flags: {
      suppressAnimations: request.suppressAnimations,
      hideCaret: request.hideCaret,
      freezeTime: request.determinism.freezeTime,
      seedRandom: request.determinism.seedRandom,
      isMobile: request.viewport.isMobile ?? false,
      hasTouch: request.viewport.hasTouch ?? false,
    },
  };
}
