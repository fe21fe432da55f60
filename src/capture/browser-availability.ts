import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { findChromium, isExecutable } from './find-chromium.ts';
import { firefoxCandidates } from './find-firefox.ts';
import { webkitUnavailableReason } from './webkit-status.ts';
import { supportedBrowsers, type BrowserName } from './browser-pool.ts';

// Issue 18: which browsers this machine can really capture with, and why not. A browser is
// listed as available only when Scene can launch it and take screenshots with it; otherwise the
// reason says what is missing and `install` how to get it.

const run = promisify(execFile);

export interface BrowserAvailability {
  name: BrowserName;
  available: boolean;
  /** The exact version of the executable, when one is installed. */
  version?: string;
  /** Why it cannot capture here. */
  reason?: string;
  /** The command that installs what is missing, when one would help. */
  install?: string;
}

const cacheMs = 60_000;
let cached: { at: number; key: string; answer: Promise<BrowserAvailability[]> } | undefined;

/**
 * Every supported browser with its availability on this machine. Asked of the executables at
 * most once a minute per process (a `--version` each), so launching runs stays cheap.
 */
export function browserAvailability(options: {
  chromiumPath?: string | undefined;
}): Promise<BrowserAvailability[]> {
  const key = options.chromiumPath ?? '';
  const now = Date.now();
  if (!cached || cached.key !== key || now - cached.at > cacheMs) {
    cached = { at: now, key, answer: probeAll(options.chromiumPath) };
  }
  return cached.answer;
}

async function probeAll(chromiumPath: string | undefined): Promise<BrowserAvailability[]> {
  const answers = await Promise.all(
    supportedBrowsers.map((name) => {
      switch (name) {
        case 'chromium':
          return probeChromium(chromiumPath);
        case 'firefox':
          return probeFirefox();
        case 'webkit':
          return Promise.resolve(probeWebkit());
      }
    }),
  );
  return answers;
}

async function probeChromium(chromiumPath: string | undefined): Promise<BrowserAvailability> {
  let executable: string;
  try {
    executable = findChromium(chromiumPath);
  } catch (error) {
    return {
      name: 'chromium',
      available: false,
      reason: error instanceof Error ? error.message : String(error),
      install: 'apt-get install -y chromium',
    };
  }
  const version = await versionOf(executable);
  if (!version) {
    return {
      name: 'chromium',
      available: false,
      reason: `${executable} does not answer --version`,
      install: 'apt-get install -y chromium',
    };
  }
  return { name: 'chromium', available: true, version };
}

async function probeFirefox(): Promise<BrowserAvailability> {
  const executable = firefoxCandidates.find(isExecutable);
  if (!executable) {
    return {
      name: 'firefox',
      available: false,
      reason: `Firefox is not installed (looked in ${firefoxCandidates.join(', ')})`,
      install: 'apt-get install -y firefox-esr',
    };
  }
  const version = await versionOf(executable);
  return {
    name: 'firefox',
    available: false,
    ...(version !== undefined && { version }),
    reason: `${executable}${version ? ` (${version})` : ''} is installed, but this version of Scene has no Firefox driver yet (WebDriver BiDi through puppeteer-core is planned): it cannot capture with it`,
  };
}

function probeWebkit(): BrowserAvailability {
  return { name: 'webkit', available: false, reason: `WebKit ${webkitUnavailableReason()}` };
}

/** "131.0.6778.85" from `chromium --version` / "128.3.1esr" from `firefox-esr --version`. */
async function versionOf(executable: string): Promise<string | undefined> {
  try {
    const { stdout } = await run(executable, ['--version'], { timeout: 15_000 });
    return /(\d+(?:\.\d+)+[a-z0-9]*)/.exec(stdout)?.[1];
  } catch {
    return undefined;
  }
}

/** The 422 message for a batch naming browsers that cannot capture here. */
export function unavailableBrowsersMessage(unavailable: readonly BrowserAvailability[]): string {
  return unavailable
    .map(
      (b) =>
        `browser '${b.name}' cannot capture on this machine: ${b.reason ?? 'unavailable'}` +
        (b.install ? `. Install it with \`${b.install}\` (or run bin/setup)` : ''),
    )
    .join('; ');
}
