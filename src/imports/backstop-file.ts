// Reading a backstop.json's text, shared by the server and the browser (the Import screen checks
// a picked file before it fills the form): no imports, so the client bundle stays small.

/** The largest backstop.json the UI takes (the API's body limit is 6 MB of JSON). */
export const maxBackstopFileBytes = 5 * 1024 * 1024;

export type BackstopFileReading = { ok: true; config: unknown } | { ok: false; problem: string };

// Rounded up, so a file just over the limit does not read as the limit itself.
const megabytes = (bytes: number) =>
  `${(Math.ceil((bytes / 1024 / 1024) * 10) / 10).toFixed(1)} MB`;

/** Why a file of this many bytes cannot be a backstop.json the UI takes, if it cannot. */
export function backstopFileSizeProblem(bytes: number): string | undefined {
  return bytes > maxBackstopFileBytes
    ? `too big: ${megabytes(bytes)}, the limit is ${megabytes(maxBackstopFileBytes)}`
    : undefined;
}

/**
 * The configuration in a backstop.json's text, or why it is none: not JSON, or JSON without a
 * scenarios list (the API's schema checks the rest). The size is the caller's to check first.
 */
export function readBackstopFile(text: string): BackstopFileReading {
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `not JSON: ${(error as Error).message}` };
  }
  const scenarios =
    typeof config === 'object' && config !== null && !Array.isArray(config)
      ? (config as { scenarios?: unknown }).scenarios
      : undefined;
  if (!Array.isArray(scenarios) || scenarios.length === 0) {
    return {
      ok: false,
      problem: 'not a BackstopJS configuration: it has no "scenarios" list',
    };
  }
  return { ok: true, config };
}
