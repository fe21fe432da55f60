import { describe, expect, it } from 'vitest';
import { creationStamp } from './clock.ts';

describe('creationStamp', () => {
  it('orders records created in the same millisecond by creation', () => {
    const stamps = Array.from({ length: 50 }, () => creationStamp());
    expect(new Set(stamps).size).toBe(stamps.length);
    expect([...stamps].sort()).toEqual(stamps);
  });
});
