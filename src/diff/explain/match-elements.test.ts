import { describe, expect, it } from 'vitest';
import { commonSubsequence } from './match-elements.ts';

/** Length of a longest common subsequence by dynamic programming (the reference). */
function lcsLength(a: readonly string[], b: readonly string[]): number {
  const width = b.length + 1;
  const table = new Int32Array((a.length + 1) * width);
  const at = (i: number, j: number): number => table[i * width + j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      table[i * width + j] =
        a[i - 1] === b[j - 1] ? at(i - 1, j - 1) + 1 : Math.max(at(i - 1, j), at(i, j - 1));
    }
  }
  return at(a.length, b.length);
}

describe('commonSubsequence', () => {
  it('finds a longest common subsequence of equal items, in order', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const word = (): string[] =>
      Array.from({ length: Math.floor(random() * 12) }, () => 'abcd'.charAt(random() * 4));
    for (let round = 0; round < 300; round++) {
      const a = word();
      const b = word();
      const pairs = commonSubsequence(a, b);
      expect(pairs.length, `${a.join('')} / ${b.join('')}`).toBe(lcsLength(a, b));
      let previous: [number, number] = [-1, -1];
      for (const [i, j] of pairs) {
        expect(a[i]).toBe(b[j]);
        expect(i).toBeGreaterThan(previous[0]);
        expect(j).toBeGreaterThan(previous[1]);
        previous = [i, j];
      }
    }
  });
});
