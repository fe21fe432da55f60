import { chromium } from 'playwright-core';
import { startFixtureSite } from '../../test/fixtures/site/fixture-site.ts';

const site = await startFixtureSite();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
for (const path of ['/', '/tall', '/lazy', '/animated', '/menu', '/products']) {
  const times: number[] = [];
  for (let i = 0; i < 4; i++) {
    const t = performance.now();
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    const t1 = performance.now();
    await page.goto(site.url + path);
    const t2 = performance.now();
    const b = await page.screenshot({ fullPage: true });
    const t3 = performance.now();
    await ctx.close();
    times.push(performance.now() - t);
    if (i === 3) console.log(path, 'ctx', (t1 - t).toFixed(0), 'goto', (t2 - t1).toFixed(0), 'shot', (t3 - t2).toFixed(0), 'close', (performance.now() - t3).toFixed(0), 'size', b.length);
  }
  console.log(path, times.map((t) => t.toFixed(0)).join(','));
}
await browser.close(); await site.close();
