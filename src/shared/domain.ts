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
  'hide',
  'remove',
  'setCookie',
  'setLocalStorage',
  'evaluate',
] as const;
export type ActionType = (typeof actionTypes)[number];

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

export interface Viewport {
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
