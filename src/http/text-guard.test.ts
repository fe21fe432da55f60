import { describe, expect, it } from 'vitest';
import { findUnsafeText } from './text-guard.ts';

describe('findUnsafeText', () => {
  it('accepts ordinary text, well-formed surrogate pairs and non-string values', () => {
    expect(findUnsafeText({ a: 'héllo \ud83d\ude00', b: [1, true, null, { c: 'ok' }] })).toBe(
      undefined,
    );
    expect(findUnsafeText(undefined)).toBe(undefined);
  });

  it('names the first bad string by its dotted path, at any depth', () => {
    expect(findUnsafeText({ a: [{ b: 'x' }, { b: 'y\u0000' }] })).toEqual({
      field: 'a.1.b',
      message: 'must not contain a NUL character (\\u0000)',
    });
    expect(findUnsafeText('\u0000')?.field).toBe('(root)');
  });

  it('finds lone high and low surrogates, with their position', () => {
    expect(findUnsafeText({ s: 'ab\ud800' })?.message).toBe(
      'must be valid Unicode text: a lone surrogate \\ud800 at position 2',
    );
    expect(findUnsafeText({ s: '\udc00\ud83d\ude00' })?.message).toMatch(/\\udc00 at position 0/);
    expect(findUnsafeText({ s: '\ude00\ud83d' })?.message).toMatch(/\\ude00 at position 0/);
  });

  it('checks keys, showing them escaped', () => {
    expect(findUnsafeText({ a: { 'k\u0000': 1 } })).toEqual({
      field: 'a.k\\u0000',
      message: 'field name must not contain a NUL character (\\u0000)',
    });
  });

  it('refuses __proto__ anywhere and prototype under constructor', () => {
    expect(findUnsafeText(JSON.parse('{"a":{"__proto__":{}}}'))).toEqual({
      field: 'a',
      message: "field name '__proto__' is not allowed",
    });
    expect(findUnsafeText(JSON.parse('{"constructor":{"prototype":{}}}'))?.message).toBe(
      "field name 'prototype' is not allowed",
    );
    expect(findUnsafeText({ prototype: 1, constructor: 'x' })).toBe(undefined);
  });
});
