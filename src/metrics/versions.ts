import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { findChromium } from '../capture/find-chromium.ts';

// What `GET /api/v1/version` reports besides the configured kinds: Scene's own version, the
// Chromium build captures run in, and Node's.

const run = promisify(execFile);

export { sceneVersion } from '../shared/scene-version.ts';

/** Set once this process's browser pool has launched Chromium (run-engine.ts). */
let launchedChromium: string | undefined;
let askedChromium: Promise<string | null> | undefined;

export function noteLaunchedChromium(version: string): void {
  launchedChromium = version;
}

/**
 * The Chromium version: the launched browser's when this process has one (an embedded or
 * `scene worker` process), else what the executable found says to `--version`, asked once per
 * process (a `scene serve` without embedded worker never launches one). Null when there is no
 * Chromium or it does not answer.
 */
export async function chromiumVersion(chromiumPath: string | undefined): Promise<string | null> {
  if (launchedChromium !== undefined) return launchedChromium;
  askedChromium ??= askChromium(chromiumPath);
  return askedChromium;
}

async function askChromium(chromiumPath: string | undefined): Promise<string | null> {
  try {
    const { stdout } = await run(findChromium(chromiumPath), ['--version'], { timeout: 10_000 });
    // e.g. "Chromium 131.0.6778.85 built on Debian GNU/Linux 12 (bookworm)"
    return /\d+(?:\.\d+)+/.exec(stdout)?.[0] ?? null;
  } catch {
    return null;
  }
}
