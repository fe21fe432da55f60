import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { findChromium, isExecutable } from './find-chromium.ts';
import { firefoxCandidates, firefoxInstallCommand } from './find-firefox.ts';
import { probeFirefoxCapture } from './firefox-browser.ts';
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
let cached = new Map<string, { at: number; answer: Promise<BrowserAvailability> }>();
let cachedKey = '';

/**
 * Every supported browser (or those named in `only`) with its availability on this machine.
 * Asked of the executables at most once a minute per process (a `--version` each), so launching
 * runs stays cheap; Firefox is launched for a test capture once (see firefoxCaptureProbe), and
 * only when it is asked about.
 */
export async function browserAvailability(options: {
  chromiumPath?: string | undefined;
  only?: readonly string[];
}): Promise<BrowserAvailability[]> {
  const key = options.chromiumPath ?? '';
  if (key !== cachedKey) {
    cached = new Map();
    cachedKey = key;
  }
  const now = Date.now();
  const names = supportedBrowsers.filter((name) => !options.only || options.only.includes(name));
  return Promise.all(
    names.map((name) => {
      let entry = cached.get(name);
      if (!entry || now - entry.at > cacheMs) {
        entry = { at: now, answer: probe(name, options.chromiumPath) };
        cached.set(name, entry);
      }
      return entry.answer;
    }),
  );
}

function probe(name: BrowserName, chromiumPath: string | undefined): Promise<BrowserAvailability> {
  switch (name) {
    case 'chromium':
      return probeChromium(chromiumPath);
    case 'firefox':
      return probeFirefox();
    case 'webkit':
      return Promise.resolve(probeWebkit());
  }
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
      install: firefoxInstallCommand,
    };
  }
  const version = await versionOf(executable);
  const failure = await firefoxCaptureProbe(`${executable}|${version ?? ''}`);
  if (failure !== undefined) {
    return {
      name: 'firefox',
      available: false,
      ...(version !== undefined && { version }),
      reason: `${executable}${version ? ` (${version})` : ''} is installed, but a test capture failed: ${failure}`,
    };
  }
  return { name: 'firefox', available: true, ...(version !== undefined && { version }) };
}

let firefoxProbe: { key: string; at: number; failure: Promise<string | undefined> } | undefined;

/**
 * Whether Firefox really captures here: launched (throwaway profile) and asked for a screenshot,
 * once per process and executable version when it works (a launch costs seconds); a failure is
 * probed again with the next minute's availability check.
 */
function firefoxCaptureProbe(key: string): Promise<string | undefined> {
  const now = Date.now();
  if (!firefoxProbe || firefoxProbe.key !== key) {
    firefoxProbe = { key, at: now, failure: probeFirefoxCapture() };
  } else if (now - firefoxProbe.at > cacheMs) {
    const previous = firefoxProbe;
    firefoxProbe = {
      key,
      at: now,
      failure: previous.failure.then((failure) =>
        failure === undefined ? undefined : probeFirefoxCapture(),
      ),
    };
  }
  return firefoxProbe.failure;
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
