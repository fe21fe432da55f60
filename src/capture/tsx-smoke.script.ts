// Run by tsx-smoke.test.ts under tsx, the loader `bin/scene` uses. tsx keeps function names by
// wrapping them in a `__name` helper, which does not exist in the page: any function sent to
// the page that declares a named inner function fails there, and only under tsx.
import { BrowserPool } from './browser-pool.ts';
import { captureExecution } from './capture-execution.ts';
import { captureRequest } from './capture-test-helpers.ts';

const [siteUrl] = process.argv.slice(2);
if (!siteUrl) throw new Error('usage: tsx-smoke.script.ts <fixture site url>');
const pool = new BrowserPool({ spareContexts: 0 });
try {
  const result = await captureExecution(
    pool,
    captureRequest(`${siteUrl}/lazy`, {
      referenceUrl: `${siteUrl}/menu`,
      cookieBanner: { removeSelectors: ['#cookie-banner'], cookies: [] },
      pageActions: [
        { type: 'setLocalStorage', value: 'k=v' },
        { type: 'scroll' },
        { type: 'hide', selector: 'header' },
        { type: 'remove', selector: '#nothing' },
        { type: 'waitForNetworkIdle' },
      ],
      taskScript: 'document.title = "smoke";',
      hideSelectors: ['h1'],
      removeSelectors: ['#missing'],
      maskSelectors: ['#lazy-image'],
    }),
    { signal: new AbortController().signal },
  );
  console.log(JSON.stringify({ steps: result.log.length, masks: result.maskRects.length }));
} finally {
  await pool.close();
}
