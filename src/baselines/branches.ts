import { z } from 'zod';

// Branch-aware baselines: which baselines belong to which line of work.
//
// A baseline belongs to the branch of the baseline run that recorded it, or of the run whose
// first approval copied it; NULL when that run had no branch. A run without a branch runs on
// its base branch (default `main`): the branchless baselines and the base branch's are one
// line, so a team that ran Scene without branches keeps its baselines when CI starts sending
// `branch: main`, and a branchless run never picks up a feature branch's baseline.

export const defaultBaseBranch = 'main';

/** Longest accepted branch name (git itself has no limit; file systems and UIs do). */
export const maxBranchLength = 200;

/**
 * Why `name` is not a valid git branch name (the rules of `git check-ref-format --branch`),
 * or undefined when it is.
 */
export function branchNameProblem(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  if (name.length > maxBranchLength) return `must be at most ${maxBranchLength} characters`;
  if (name === '@') return "must not be '@'";
  if (name.startsWith('-')) return "must not start with '-'";
  if (name.startsWith('/') || name.endsWith('/')) return "must not start or end with '/'";
  if (name.includes('//')) return "must not contain '//'";
  if (name.endsWith('.')) return "must not end with '.'";
  if (name.includes('..')) return "must not contain '..'";
  if (name.includes('@{')) return "must not contain '@{'";
  // eslint-disable-next-line no-control-regex -- control characters are what git refuses
  const forbidden = /[\u0000-\u0020\u007f~^:?*[\\]/.exec(name);
  if (forbidden) {
    const char = forbidden[0];
    const code = char.charCodeAt(0);
    const shown =
      char === ' ' ? 'a space' : code < 0x20 || code === 0x7f ? 'a control character' : `'${char}'`;
    return `must not contain ${shown} (git branch names cannot)`;
  }
  for (const component of name.split('/')) {
    if (component.startsWith('.')) return "no part between '/' may start with '.'";
    if (component.endsWith('.lock')) return "no part between '/' may end with '.lock'";
  }
  return undefined;
}

export const branchNameSchema = z.string().superRefine((name, ctx) => {
  const problem = branchNameProblem(name);
  if (problem !== undefined) {
    ctx.addIssue({ code: 'custom', message: `must be a git branch name: ${problem}` });
  }
});

/** A commit id: a full or abbreviated hex object name (SHA-1 or SHA-256), stored lower-case. */
export const commitShaSchema = z
  .string()
  .regex(/^[0-9a-fA-F]{4,64}$/, 'must be a commit id: 4 to 64 hexadecimal characters')
  .transform((sha) => sha.toLowerCase());

/** The line of baselines a run reads and writes: its branch, or its base branch's trunk. */
export type BaselineLine =
  /** `branchGiven`: the run named the base branch as its branch (else it had none). */
  | { kind: 'trunk'; baseBranch: string; branchGiven: boolean }
  | { kind: 'branch'; branch: string; baseBranch: string };

export function lineOfRun(run: { branch: string | null; baseBranch: string | null }): BaselineLine {
  const baseBranch = run.baseBranch ?? defaultBaseBranch;
  return run.branch === null || run.branch === baseBranch
    ? { kind: 'trunk', baseBranch, branchGiven: run.branch !== null }
    : { kind: 'branch', branch: run.branch, baseBranch };
}

/** The baselines' `branch` values that make up a line (null = branchless). */
export function branchesOfLine(line: BaselineLine): (string | null)[] {
  return line.kind === 'trunk' ? [line.baseBranch, null] : [line.branch];
}

export function baselineIsOnLine(baseline: { branch?: string | undefined }, line: BaselineLine) {
  return branchesOfLine(line).includes(baseline.branch ?? null);
}
