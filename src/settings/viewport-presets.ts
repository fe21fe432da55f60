import type { Viewport } from '../shared/domain.ts';

// Named device viewports users add to their settings in one click (the settings form's preset
// buttons; GET /api/v1/viewport-presets). CSS sizes and pixel ratios of the devices as shipped;
// the user agents are the devices' own browsers, so pages that sniff them serve their mobile
// markup. Chromium only honours isMobile (the meta viewport tag); other browsers get the size,
// ratio, touch and user agent.

const iosSafari =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const ipadSafari =
  'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const androidChrome =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';

export const viewportPresets: readonly Viewport[] = [
  {
    name: 'iPhone 15',
    width: 393,
    height: 852,
    deviceScaleFactor: 3,
    isMobile: true,
    hasTouch: true,
    userAgent: iosSafari,
  },
  {
    name: 'iPhone SE',
    width: 375,
    height: 667,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    userAgent: iosSafari,
  },
  {
    name: 'Pixel 8',
    width: 412,
    height: 915,
    deviceScaleFactor: 3,
    isMobile: true,
    hasTouch: true,
    userAgent: androidChrome,
  },
  {
    name: 'iPad',
    width: 820,
    height: 1180,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    userAgent: ipadSafari,
  },
  { name: 'Desktop HD', width: 1920, height: 1080 },
  { name: 'Desktop HD Retina', width: 1440, height: 900, deviceScaleFactor: 2 },
];
