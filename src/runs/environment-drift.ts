import type { EnvironmentDrift, ExecutionEnvironment } from '../shared/domain.ts';

// Issue 18: a compare whose rendering environment differs from the one its baseline image came
// from says so, field by field: rendering differences are then expected, not regressions.

/** Each fingerprint field, as text; flags one by one (`flags.freezeTime`). */
function fieldsOf(environment: ExecutionEnvironment): [string, string][] {
  return [
    ['browser', environment.browser],
    ['browserVersion', environment.browserVersion],
    ['os', environment.os],
    ['deviceScaleFactor', String(environment.deviceScaleFactor)],
    ['fonts', environment.fonts.join(', ')],
    ['fontsDigest', environment.fontsDigest],
    ['sceneVersion', environment.sceneVersion],
    ...Object.entries(environment.flags ?? {}).map(([flag, on]): [string, string] => [
      `flags.${flag}`,
      String(on),
    ]),
  ];
}

/**
 * The fields of `observed` that differ from `baseline`. A baseline entry without a fingerprint
 * (recorded before Scene kept them) has nothing to compare: no drift.
 */
export function environmentDrift(
  baseline: ExecutionEnvironment | null,
  observed: ExecutionEnvironment,
): EnvironmentDrift[] {
  if (!baseline) return [];
  const before = new Map(fieldsOf(baseline));
  const drift: EnvironmentDrift[] = [];
  for (const [field, value] of fieldsOf(observed)) {
    const was = before.get(field);
    if (was !== undefined && was !== value) drift.push({ field, baseline: was, observed: value });
  }
  return drift;
}

/** "browserVersion 120.0 → 131.0; fonts DejaVu Sans → Liberation Sans" (the first few). */
export function describeDrift(drift: readonly EnvironmentDrift[], max = 3): string {
  const shown = drift
    .slice(0, max)
    .map((d) => `${d.field} ${shorten(d.baseline)} → ${shorten(d.observed)}`);
  const more = drift.length > max ? `; and ${drift.length - max} more` : '';
  return shown.join('; ') + more;
}

function shorten(value: string): string {
  return value.length > 40 ? `${value.slice(0, 16)}…` : value || '(none)';
}

/**
 * The run summary's notice: "3 cells compared against baselines from chromium 120.0 (now
 * 131.0); expect rendering differences", or the fields that drifted when not the browser.
 */
export function driftNotice(
  cells: readonly { browser: string; drift: readonly EnvironmentDrift[] }[],
): string | undefined {
  const drifted = cells.filter((c) => c.drift.length > 0);
  if (drifted.length === 0) return undefined;
  const count = `${drifted.length} cell${drifted.length === 1 ? '' : 's'}`;
  const fromBrowsers = new Set<string>();
  const fields = new Map<string, EnvironmentDrift>();
  for (const { browser: observedBrowser, drift } of drifted) {
    const browser = drift.find((d) => d.field === 'browser');
    const version = drift.find((d) => d.field === 'browserVersion');
    if (browser || version) {
      fromBrowsers.add(
        [browser?.baseline ?? observedBrowser, version?.baseline]
          .filter((v) => v !== undefined)
          .join(' '),
      );
    }
    for (const d of drift) if (!fields.has(d.field)) fields.set(d.field, d);
  }
  const from =
    fromBrowsers.size > 0
      ? `baselines from ${[...fromBrowsers].join(', ')}`
      : 'baselines rendered in another environment';
  return `${count} compared against ${from} (${describeDrift([...fields.values()])}); expect rendering differences`;
}
