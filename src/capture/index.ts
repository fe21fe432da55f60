// The capture engine: drives a real browser over one execution and returns its screenshots.
export { describeAction, actionLimits } from './actions.ts';
export { BrowserPool, defaultSpareContexts, supportedBrowsers } from './browser-pool.ts';
export { chromiumArgs, requiredChromiumArgs } from './chromium-args.ts';
export type { BrowserName, BrowserPoolOptions, CaptureContext } from './browser-pool.ts';
export { CaptureError, isTransientFailure } from './capture-error.ts';
export { captureDefaults, captureExecution } from './capture-execution.ts';
export { chromiumCandidates, findChromium } from './find-chromium.ts';
export { pngSize } from './screenshot.ts';
export type * from './capture.types.ts';
