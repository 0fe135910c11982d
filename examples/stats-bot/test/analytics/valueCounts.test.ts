import { describe, expect, it } from 'vitest';
import { formatValueCounts, valueCounts } from '../../src/analytics/valueCounts.ts';
import { analyticsError, customersTable, tableOf } from './sampleData.ts';

describe('valueCounts', () => {
  it('should count values, most frequent first, with shares of the present values', () => {
    const table = tableOf({ city: ['b', 'a', 'b', null, 'c', 'b', 'a'], n: [1, 2, 3, 4, 5, 6, 7] });
    const result = valueCounts(table, 'city');
    expect(result).toMatchObject({
      column: 'city',
      count: 6,
      missing: 1,
      distinct: 3,
      otherCount: 0,
    });
    expect(result.values).toEqual([
      { value: 'b', count: 3, share: 0.5 },
      { value: 'a', count: 2, share: 2 / 6 },
      { value: 'c', count: 1, share: 1 / 6 },
    ]);
  });

  it('should keep the top values and count the others', () => {
    const table = tableOf({ v: [1, 1, 1, 2, 2, 3, 4, 5], w: [0, 0, 0, 0, 0, 0, 0, 0] });
    const result = valueCounts(table, 'v', 2);
    expect(result.values.map((v) => v.value)).toEqual(['1', '2']);
    expect(result.otherCount).toBe(3);
    const text = formatValueCounts(result);
    expect(text).toContain('Values of "v" (5 distinct among 8 present):');
    expect(text).toMatch(/\(3 other values\) +3 +37\.5%/);
  });

  it('should speak yes/no columns in their words and report missing values', () => {
    const result = valueCounts(customersTable(), 'churned');
    expect(result.values.map((v) => v.value).sort()).toEqual(['no', 'yes']);
    expect(result.missing).toBe(1);
    expect(formatValueCounts(result)).toContain('Missing: 1');
  });

  it('should refuse an unknown column and a top below one', () => {
    const table = tableOf({ a: [1], b: [2] });
    expect(analyticsError(() => valueCounts(table, 'zz')).code).toBe('MISSING_COLUMNS');
    expect(analyticsError(() => valueCounts(table, 'a', 0)).code).toBe('INVALID_ARGUMENT');
  });
});
