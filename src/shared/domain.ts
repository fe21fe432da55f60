// Value types shared by features and engines (DESIGN.md section 5 shapes).

export const actionTypes = [
  'click',
  'hover',
  'type',
  'press',
  'select',
  'check',
  'scroll',
  'waitForSelector',
  'waitForTimeout',
  'waitForNetworkIdle',
  'waitForFunction',
  'hide',
  'remove',
  'setCookie',
  'setLocalStorage',
  'evaluate',
] as const;
export type ActionType = (typeof actionTypes)[number];

/** The steps whose text is JavaScript (`script`) rather than a `value`. */
export function takesScript(type: string): boolean {
  return type === 'evaluate' || type === 'waitForFunction';
}

/** A declarative step on a page. `value` carries text, key, option, cookie "name=value" or storage "key=value". */
export interface Action {
  type: ActionType;
  selector?: string;
  value?: string;
  ms?: number;
  script?: string;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** How a viewport emulates a device; every field optional (a plain desktop window). */
export interface DeviceEmulation {
  /** Device pixels per CSS pixel: screenshots are this many times the CSS size. Default 1. */
  deviceScaleFactor?: 1 | 2 | 3;
  /** Mobile mode: the meta viewport tag is honoured (Chromium). Default false. */
  isMobile?: boolean;
  /** Touch events and `(pointer: coarse)`. Default false. */
  hasTouch?: boolean;
  /** The User-Agent header and navigator.userAgent; default: the browser's own. */
  userAgent?: string;
}

/** What rendered a screenshot (issue 18): compared with its baseline entry's to warn of drift. */
export interface ExecutionEnvironment {
  browser: string;
  browserVersion: string;
  /** e.g. "Debian GNU/Linux 13 (trixie); Linux 6.8.0". */
  os: string;
  deviceScaleFactor: number;
  /** Font families the page actually rendered text with (the platform fonts), sorted. */
  fonts: string[];
  /** SHA-256 of the installed font set (fc-list), so a font installed or removed shows. */
  fontsDigest: string;
  sceneVersion: string;
  /** The capture flags that change pixels. */
  flags: {
    suppressAnimations: boolean;
    hideCaret: boolean;
    freezeTime: boolean;
    seedRandom: boolean;
    isMobile: boolean;
    hasTouch: boolean;
  };
}

/** One fingerprint field that differs from the baseline entry's (values as text). */
export interface EnvironmentDrift {
  field: string;
  baseline: string;
  observed: string;
}

export type EnvironmentDriftPolicy = 'fail' | 'warn' | 'ignore';

export interface Viewport extends DeviceEmulation {
  name: string;
  width: number;
  height: number;
}

export interface Cookie {
  name: string;
  value: string;
  /** Defaults to the captured page's host. */
  domain?: string;
  path?: string;
}

export type DiffLevel = 'none' | 'minor' | 'major';
export type RunMode = 'baseline' | 'compare' | 'reference';
export type RunStatus = 'queued' | 'running' | 'finished' | 'failed' | 'cancelled';
export type ExecutionStatus = RunStatus;
export type CancelReason = 'user' | 'timeout' | 'shutdown';

/**
 * What a page (or a task) captures: the whole page (default), what the viewport shows, or one
 * image per element selector (like BackstopJS `selectors`), each its own matrix cell.
 */
export interface CaptureScope {
  scope: 'fullPage' | 'viewport' | 'elements';
  /** elements: at least one CSS selector; absent otherwise. */
  selectors?: string[];
}

/** What one execution captures: an element cell carries its one selector. */
export type CellCapture =
  { scope: 'fullPage' } | { scope: 'viewport' } | { scope: 'element'; selector: string };
