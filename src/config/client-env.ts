/**
 * What client commands (`scene run`) read from the environment besides their options'
 * SCENE_SERVER and SCENE_TOKEN (which commander reads, src/cli.ts): the CI system's variables. Never the server's SCENE_* configuration (config.ts), so a CI machine
 * needs nothing but these. Only config/ reads process.env (STYLE.md 4).
 */
export interface ClientEnv {
  /** The branch CI builds: GITHUB_HEAD_REF (pull requests), GITHUB_REF_NAME, CI_COMMIT_REF_NAME. */
  ciBranch: string | undefined;
  /** The commit CI builds: GITHUB_SHA, CI_COMMIT_SHA. */
  ciCommit: string | undefined;
  /** GITHUB_STEP_SUMMARY: a file GitHub Actions shows as the job's summary (Markdown). */
  stepSummaryFile: string | undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function readClientEnv(env: NodeJS.ProcessEnv = process.env): Readonly<ClientEnv> {
  return Object.freeze({
    ciBranch:
      nonEmpty(env.GITHUB_HEAD_REF) ??
      nonEmpty(env.GITHUB_REF_NAME) ??
      nonEmpty(env.CI_COMMIT_REF_NAME),
    ciCommit: nonEmpty(env.GITHUB_SHA) ?? nonEmpty(env.CI_COMMIT_SHA),
    stepSummaryFile: nonEmpty(env.GITHUB_STEP_SUMMARY),
  });
}

/**
 * The values of the environment variables a project file references as `${NAME}` (scene
 * apply): only those, and only the ones set.
 */
export function readReferencedVariables(
  names: string[],
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  return Object.fromEntries(
    names.flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]]])),
  );
}
