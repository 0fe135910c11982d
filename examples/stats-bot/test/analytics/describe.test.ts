import { describe, expect, it } from 'vitest';
import { describe as describeColumns, formatDescribe } from '../../src/analytics/describe.ts';
import { analyticsError, housesTable, tableOf } from './sampleData.ts';

const small = tableOf({
  x: [1, 2, 3, 4, 5, null],
  y: [2, 4, 5, 4, 5, 9],
  z: [5, 4, 3, 2, 1, 0],
  label: ['a', 'b', 'c', 'd', 'e', 'f'],
});

describe('describe', () => {
  it('should compute count, mean, sd, quartiles and missing values', () => {
    const table = tableOf({ v: [...Array.from({ length: 10 }, (_, i) => i + 1), null, null] });
    const [column] = describeColumns(table, ['v']).columns;
    expect(column).toMatchObject({
      column: 'v',
      count: 10,
      missing: 2,
      mean: 5.5,
      min: 1,
      max: 10,
    });
    expect(column?.sd).toBeCloseTo(3.0276503540974917, 12);
    expect([column?.q1, column?.median, column?.q3]).toEqual([3.25, 5.5, 7.75]);
  });

  it('should leave statistics empty when values are too few', () => {
    const table = tableOf({ one: [7, null], none: [null, null] });
    const [one, none] = describeColumns(table, ['one', 'none']).columns;
    expect(one).toMatchObject({ count: 1, mean: 7, sd: null, median: 7 });
    expect(none).toMatchObject({ count: 0, mean: null, max: null, missing: 2 });
  });

  it('should format one aligned line per column', () => {
    const text = formatDescribe(describeColumns(housesTable(), ['price', 'area_m2']));
    const lines = text.split('\n');
    expect(lines[0]).toBe('Descriptive statistics (300 rows):');
    expect(lines[2]).toMatch(/^column +n +mean +sd +min +q1 +median +q3 +max +missing$/);
    expect(lines[4]).toMatch(/^price +300 /);
    expect(lines[5]).toMatch(/^area_m2 +300 .* 0$/);
  });

  it('should refuse text columns and unknown columns', () => {
    expect(analyticsError(() => describeColumns(small, ['label'])).message).toBe(
      'Column "label" holds text, not numbers; this needs a numeric column.',
    );
    expect(analyticsError(() => describeColumns(small, ['nope'])).code).toBe('MISSING_COLUMNS');
    expect(analyticsError(() => describeColumns(small, [])).code).toBe('INVALID_ARGUMENT');
  });
});
