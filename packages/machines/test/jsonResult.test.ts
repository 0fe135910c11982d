import { describe, expect, it } from 'vitest';
import { isJsonObject, maxResultLength, toJsonResult } from '../src/jsonResult.ts';

describe('toJsonResult', () => {
  it('should return a JSON copy of the value', () => {
    const value = { mean: 2.5, when: new Date(0), rows: [[1, 'a']] };
    expect(toJsonResult(value)).toStrictEqual({
      mean: 2.5,
      when: '1970-01-01T00:00:00.000Z',
      rows: [[1, 'a']],
    });
  });

  it('should refuse what JSON cannot hold, and results that are too long', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    for (const value of [undefined, () => 1, 10n, cycle, 'x'.repeat(maxResultLength)]) {
      expect(toJsonResult(value)).toBeUndefined();
    }
  });
});

describe('isJsonObject', () => {
  it('should accept objects only', () => {
    expect(isJsonObject({})).toBe(true);
    expect(isJsonObject([])).toBe(false);
    expect(isJsonObject(null)).toBe(false);
    expect(isJsonObject('a')).toBe(false);
  });
});
