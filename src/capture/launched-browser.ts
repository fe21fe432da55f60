import type { ContextSpec } from './capture-context.ts';
import type { CapturePage } from './capture-page.ts';

/** One running browser, whatever drives it; the pool owns its lifecycle (browser-pool.ts). */
export interface LaunchedBrowser {
  /** The exact version, e.g. "131.0.6778.85" or "153.8.0esr" (read at launch). */
  readonly version: string;
  isConnected(): boolean;
  /** A fresh context (no cookies, storage or cache shared with any other) with one page. */
  newPage(spec: ContextSpec): Promise<CapturePage>;
  /** Called once when the browser exits or its connection drops, expectedly or not. */
  onDisconnected(listener: () => void): void;
  close(): Promise<void>;
}
