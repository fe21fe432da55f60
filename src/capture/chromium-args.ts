/**
 * Features of Chromium's "new" headless mode that cost CPU in every capture and show nothing.
 * Each page opens a browser window, and each window loaded the omnibox popup's WebUI (a second
 * renderer running a JS app) right after the page's load: ~400 ms of CPU per capture, more
 * than loading and rendering a simple page. Measured with `npm run bench:capture`.
 */
export const sceneDisabledFeatures = [
  'WebUIOmniboxPopup',
  'WebUIOmniboxFullPopup',
  'WebUIOmniboxAimPopup',
  'PreloadTopChromeWebUI',
];

/**
 * Playwright's own --disable-features list (playwright-core 1.65). Chromium keeps only the last
 * --disable-features switch, so Scene's must repeat it; a test compares it with the list of
 * the installed Playwright.
 */
export const playwrightDisabledFeatures = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'msForceBrowserSignIn',
  'msEdgeUpdateLaunchServicesPreferredVersion',
];

/** What a sandbox-less, GPU-less, offline machine needs (root, no display, closed network). */
export const requiredChromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Added to Playwright's own defaults (which already mute audio, hide scrollbars, etc.). */
export const chromiumArgs = [
  ...requiredChromiumArgs,
  '--disable-dev-shm-usage',
  '--disable-extensions',
  '--disable-renderer-backgrounding',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--no-first-run',
  '--no-default-browser-check',
  '--font-render-hinting=none',
  `--disable-features=${[...playwrightDisabledFeatures, ...sceneDisabledFeatures].join(',')}`,
];
