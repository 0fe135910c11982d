import { describe, expect, it } from 'vitest';
import { detectDelimiter } from '../../src/analytics/detectDelimiter.ts';

describe('detectDelimiter', () => {
  it('should detect each accepted separator', () => {
    expect(detectDelimiter('a,b,c\n1,2,3\n')).toBe(',');
    expect(detectDelimiter('a;b;c\n1;2;3\n')).toBe(';');
    expect(detectDelimiter('a\tb\tc\n1\t2\t3\n')).toBe('\t');
    expect(detectDelimiter('a|b|c\n1|2|3\n')).toBe('|');
  });

  it('should ignore separators inside quoted values', () => {
    expect(detectDelimiter('name;note\n"Smith, J";"a, b, c"\n"Doe, A";x\n')).toBe(';');
    expect(detectDelimiter('a,b\n"x;y;z",1\n"p;q",2\n')).toBe(',');
  });

  it('should prefer semicolons over decimal commas', () => {
    expect(detectDelimiter('price;area\n3,5;10,25\n4,5;11,75\n')).toBe(';');
  });

  it('should fall back to the most frequent separator of the first line when rows are uneven', () => {
    expect(detectDelimiter('a,b,c\n1,2\n3,4,5\n')).toBe(',');
  });
});
