import { chromium } from 'playwright-core';
import { createHash } from 'node:crypto';
import { startFixtureSite } from '../../test/fixtures/site/fixture-site.ts';

const site = await startFixtureSite();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const h = (b: Buffer) => createHash('sha1').update(b).digest('hex').slice(0, 10);
for (const path of ['/', '/tall', '/lazy']) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  await page.goto(site.url + path);
  await page.waitForTimeout(500);
  const cdp = await ctx.newCDPSession(page);
  const m = await cdp.send('Page.getLayoutMetrics');
  const W = Math.ceil(m.cssContentSize.width), H = Math.ceil(m.cssContentSize.height);
  for (const mode of ['pw', 'beyond', 'beyondFast', 'metricsFast', 'metricsSlow']) {
    const times: number[] = []; const hashes = new Set<string>(); let size = 0;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      let buf: Buffer;
      if (mode === 'pw') buf = await page.screenshot({ fullPage: true });
      else if (mode.startsWith('beyond')) {
        const r = await cdp.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true, clip: { x: 0, y: 0, width: W, height: H, scale: 1 }, optimizeForSpeed: mode === 'beyondFast' });
        buf = Buffer.from(r.data, 'base64');
      } else {
        await cdp.send('Emulation.setDeviceMetricsOverride', { width: 1280, height: H, deviceScaleFactor: 1, mobile: false });
        const r = await cdp.send('Page.captureScreenshot', { format: 'png', optimizeForSpeed: mode === 'metricsFast' });
        buf = Buffer.from(r.data, 'base64');
        await cdp.send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 800, deviceScaleFactor: 1, mobile: false });
      }
      times.push(performance.now() - t); hashes.add(h(buf)); size = buf.length;
    }
    console.log(path, W, H, mode, times.map((t) => t.toFixed(0)).join(','), 'size', size, 'hashes', [...hashes].join(','));
  }
  await ctx.close();
}
await browser.close(); await site.close();
