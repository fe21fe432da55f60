import { chromium, type Browser } from 'playwright-core';
import type { Logger } from '../shared/logger.ts';
import { captureContextOptions, type ContextSpec } from './capture-context.ts';
import { CaptureError, shortMessage } from './capture-error.ts';
import { chromiumArgs } from './chromium-args.ts';
import { ChromiumPage } from './chromium-page.ts';
import { guardPlaywrightConnection } from './connection-guard.ts';
import { findChromium } from './find-chromium.ts';
import type { LaunchedBrowser } from './launched-browser.ts';

/** Chromium, driven by playwright-core. */
export class ChromiumBrowser implements LaunchedBrowser {
  readonly browser: Browser;
  readonly version: string;

  constructor(browser: Browser) {
    this.browser = browser;
    this.version = browser.version();
  }

  isConnected(): boolean {
    return this.browser.isConnected();
  }

  async newPage(spec: ContextSpec): Promise<ChromiumPage> {
    const context = await this.#untilDisconnected(
      this.browser.newContext(captureContextOptions(spec)),
    );
    try {
      return new ChromiumPage(
        this.browser,
        context,
        await this.#untilDisconnected(context.newPage()),
      );
    } catch (error) {
      await context.close().catch(() => undefined);
      throw error;
    }
  }

  /**
   * `work`, or a transient failure as soon as the browser is gone. A newContext or newPage in
   * flight when the browser process dies (killed, out of memory) can stay pending forever in
   * playwright-core 1.65: its capture then hung until the execution timeout, instead of being
   * retried in a relaunched browser.
   */
  #untilDisconnected<T>(work: Promise<T>): Promise<T> {
    const browser = this.browser;
    return new Promise<T>((resolve, reject) => {
      const gone = () =>
        reject(new CaptureError('transient', 'the browser closed while a page was being opened'));
      if (!browser.isConnected()) gone();
      browser.once('disconnected', gone);
      void work.then(resolve, reject).finally(() => browser.off('disconnected', gone));
    });
  }

  onDisconnected(listener: () => void): void {
    this.browser.on('disconnected', listener);
  }

  close(): Promise<void> {
    return this.browser.close();
  }
}

export async function launchChromium(options: {
  chromiumPath?: string | undefined;
  logger?: Logger | undefined;
}): Promise<ChromiumBrowser> {
  const executablePath = findChromium(options.chromiumPath);
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: chromiumArgs,
      timeout: 30_000,
      // The process owner decides when to shut down; it calls close().
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (error) {
    throw new CaptureError(
      'browser-unavailable',
      `could not launch chromium (${executablePath}): ${shortMessage(error)}`,
      { cause: error },
    );
  }
  guardConnection(browser, options.logger);
  return new ChromiumBrowser(browser);
}

/** See connection-guard.ts: a context closed mid-call must not take the process down. */
function guardConnection(browser: Browser, logger: Logger | undefined): void {
  const installed = guardPlaywrightConnection(browser, (error, message) => {
    logger?.warn(
      { err: error, ...message },
      'playwright-core answered about an object already disposed (a context closed mid-call); dropped',
    );
  });
  if (!installed) {
    logger?.warn(
      'playwright-core internals changed: the connection guard is not installed; a context ' +
        'closed mid-call may crash the process (see src/capture/connection-guard.ts)',
    );
  }
}
