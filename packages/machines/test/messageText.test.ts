import { describe, expect, it } from 'vitest';
import { clip, listNames, quote } from '../src/messageText.ts';

describe('clip', () => {
  it('should keep short text and cut long text at 40 characters', () => {
    expect(clip('price')).toBe('price');
    expect(clip('y'.repeat(100))).toBe(`${'y'.repeat(40)}…`);
  });

  it('should turn control characters into spaces', () => {
    expect(clip('a\nb\u0000c')).toBe('a b c');
  });
});

describe('quote', () => {
  it('should quote strings and name other kinds of values', () => {
    expect(quote('foo')).toBe('"foo"');
    expect(quote(3)).toBe('a number');
    expect(quote([1])).toBe('a list');
    expect(quote({})).toBe('an object');
    expect(quote(null)).toBe('null');
    expect(quote(undefined)).toBe('nothing');
  });
});

describe('listNames', () => {
  it('should list up to ten names, then say how many more', () => {
    expect(listNames([])).toBe('none');
    expect(listNames(['a', 'b'])).toBe('a, b');
    const names = Array.from({ length: 13 }, (_, index) => `c${index}`);
    expect(listNames(names)).toBe('c0, c1, c2, c3, c4, c5, c6, c7, c8, c9 and 3 more');
  });
});
