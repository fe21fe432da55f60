import { execFileSync } from 'node:child_process';

/** `git rev-parse <args>` in `cwd`, or undefined (not a repository, no git, detached HEAD...). */
function revParse(cwd: string, args: string[]): string | undefined {
  try {
    const out = execFileSync('git', ['rev-parse', ...args], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    }).trim();
    return out === '' || out === 'HEAD' ? undefined : out;
  } catch {
    return undefined;
  }
}

/**
 * The branch and commit a run is for: the options, else the CI system's variables, else the
 * git repository in `cwd`.
 */
export function gitContext(
  given: { branch?: string | undefined; commit?: string | undefined },
  ci: { ciBranch?: string | undefined; ciCommit?: string | undefined },
  cwd: string,
): { branch?: string; commit?: string } {
  const branch = given.branch ?? ci.ciBranch ?? revParse(cwd, ['--abbrev-ref', 'HEAD']);
  const commit = given.commit ?? ci.ciCommit ?? revParse(cwd, ['HEAD']);
  return { ...(branch !== undefined && { branch }), ...(commit !== undefined && { commit }) };
}
