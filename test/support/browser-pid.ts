import type { Browser } from 'playwright-core';

/** The OS process id of a launched Chromium (through CDP, which Playwright does not expose otherwise). */
export async function browserPid(browser: Browser): Promise<number> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
    const pid = processInfo.find((info) => info.type === 'browser')?.id;
    if (!pid) throw new Error('no browser process in SystemInfo.getProcessInfo');
    return pid;
  } finally {
    await cdp.detach();
  }
}
