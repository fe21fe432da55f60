import { describe, expect, it } from 'vitest';
import {
  baselineIsOnLine,
  branchesOfLine,
  branchNameProblem,
  branchNameSchema,
  commitShaSchema,
  lineOfRun,
} from './branches.ts';

describe('branch names', () => {
  it('accepts what git accepts as a branch name', () => {
    for (const name of [
      'main',
      'feature-x',
      'feature/login-form',
      'release/2026.12',
      'dependabot/npm_and_yarn/kysely-0.28.1',
      'ümlaut',
      'a.b',
      'x@y',
    ]) {
      expect(branchNameProblem(name), name).toBeUndefined();
    }
  });

  it('refuses what git refuses, saying which rule', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['@', /'@'/],
      ['-x', /start with '-'/],
      ['/x', /start or end with '\/'/],
      ['x/', /start or end with '\/'/],
      ['a//b', /'\/\/'/],
      ['x.', /end with '\.'/],
      ['a..b', /'\.\.'/],
      ['a@{1}', /'@\{'/],
      ['a b', /a space/],
      ['a\tb', /a control character/],
      ['a~1', /'~'/],
      ['a^', /'\^'/],
      ['a:b', /':'/],
      ['a?', /'\?'/],
      ['a*', /'\*'/],
      ['a[b', /'\['/],
      ['a\\b', /'\\'/],
      ['.hidden', /start with '\.'/],
      ['x/.y', /start with '\.'/],
      ['x.lock', /'\.lock'/],
      ['x.lock/y', /'\.lock'/],
      ['b'.repeat(201), /at most 200 characters/],
    ];
    for (const [name, problem] of cases) {
      expect(branchNameProblem(name), JSON.stringify(name)).toMatch(problem);
    }
    expect(branchNameSchema.safeParse('a..b').error?.issues[0]?.message).toBe(
      "must be a git branch name: must not contain '..'",
    );
  });

  it('takes commit ids as 4 to 64 hex digits, lower-cased', () => {
    expect(commitShaSchema.parse('ABCDEF0123')).toBe('abcdef0123');
    expect(commitShaSchema.safeParse('abc').success).toBe(false);
    expect(commitShaSchema.safeParse('g123456').success).toBe(false);
    expect(commitShaSchema.safeParse('a'.repeat(65)).success).toBe(false);
  });
});

describe('baseline lines', () => {
  it('puts runs without a branch, and runs on their base branch, on the base branch with the branchless baselines', () => {
    const none = lineOfRun({ branch: null, baseBranch: null });
    expect(none).toEqual({ kind: 'trunk', baseBranch: 'main', branchGiven: false });
    expect(branchesOfLine(none)).toEqual(['main', null]);
    const onMain = lineOfRun({ branch: 'main', baseBranch: 'main' });
    expect(onMain).toEqual({ kind: 'trunk', baseBranch: 'main', branchGiven: true });
    expect(baselineIsOnLine({}, onMain)).toBe(true);
    expect(baselineIsOnLine({ branch: 'main' }, none)).toBe(true);
    expect(baselineIsOnLine({ branch: 'feature-x' }, none)).toBe(false);
    expect(branchesOfLine(lineOfRun({ branch: 'develop', baseBranch: 'develop' }))).toEqual([
      'develop',
      null,
    ]);
  });

  it('gives a feature branch its own line, apart from the base branch', () => {
    const line = lineOfRun({ branch: 'feature-x', baseBranch: 'main' });
    expect(line).toEqual({ kind: 'branch', branch: 'feature-x', baseBranch: 'main' });
    expect(branchesOfLine(line)).toEqual(['feature-x']);
    expect(baselineIsOnLine({ branch: 'main' }, line)).toBe(false);
    expect(baselineIsOnLine({}, line)).toBe(false);
    expect(baselineIsOnLine({ branch: 'feature-x' }, line)).toBe(true);
  });
});
