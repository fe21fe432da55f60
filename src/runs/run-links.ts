import type { Config } from '../config/config.ts';

/** Absolute links for webhook payloads and log lines, built from SCENE_PUBLIC_URL. */
export function runLinks(config: Pick<Config, 'publicUrl'>, runId: string) {
  return {
    html: `${config.publicUrl}/runs/${runId}`,
    api: `${config.publicUrl}/api/v1/runs/${runId}`,
  };
}

export function executionLinks(config: Pick<Config, 'publicUrl'>, executionId: string) {
  return {
    html: `${config.publicUrl}/executions/${executionId}`,
    api: `${config.publicUrl}/api/v1/executions/${executionId}`,
  };
}

export function baselineLinks(config: Pick<Config, 'publicUrl'>, baselineId: string) {
  return { api: `${config.publicUrl}/api/v1/baselines/${baselineId}` };
}

/** Artifact paths are relative to the server; webhooks get them absolute. */
export function absoluteUrls<T extends Record<string, string | undefined>>(
  config: Pick<Config, 'publicUrl'>,
  urls: T,
): T {
  return Object.fromEntries(
    Object.entries(urls).map(([k, v]) => [k, v === undefined ? v : `${config.publicUrl}${v}`]),
  ) as T;
}
