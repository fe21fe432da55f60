import { describe, expect, it } from 'vitest';
import {
  backstopFileSizeProblem,
  maxBackstopFileBytes,
  readBackstopFile,
} from './backstop-file.ts';

describe('reading a backstop.json', () => {
  it('takes JSON with a scenarios list; says why anything else is not one', () => {
    expect(readBackstopFile('{"id": "x", "scenarios": [{"url": "http://a"}]}')).toEqual({
      ok: true,
      config: { id: 'x', scenarios: [{ url: 'http://a' }] },
    });
    for (const [text, problem] of [
      ['{ not json', /^not JSON: /],
      ['[1, 2]', /^not a BackstopJS configuration/],
      ['{"scenarios": []}', /^not a BackstopJS configuration/],
      ['{"scenarios": {"a": 1}}', /^not a BackstopJS configuration/],
    ] as const) {
      const reading = readBackstopFile(text);
      expect(reading.ok ? 'ok' : reading.problem).toMatch(problem);
    }
  });

  it('refuses a file over the limit, with both sizes', () => {
    expect(backstopFileSizeProblem(maxBackstopFileBytes)).toBeUndefined();
    expect(backstopFileSizeProblem(maxBackstopFileBytes + 1)).toBe(
      'too big: 5.1 MB, the limit is 5.0 MB',
    );
  });
});
