import { describe, expect, it } from 'vitest';
import { formatHistogram, histogram } from '../../src/analytics/histogram.ts';
import { analyticsError, housesTable, tableOf } from './sampleData.ts';

describe('histogram', () => {
  it('should count every present value once, on round edges by default', () => {
    const result = histogram(housesTable(), 'price');
    expect(result.counts.reduce((a, b) => a + b, 0)).toBe(300);
    expect(result.bins).toHaveLength(result.counts.length + 1);
    const step = (result.bins[1] ?? 0) - (result.bins[0] ?? 0);
    expect(step).toBe(100000);
    for (const edge of result.bins) expect(edge % step).toBe(0);
  });

  it('should place values in [low, high) bins, the maximum in the last', () => {
    const table = tableOf({ v: [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, null], w: new Array(11).fill(0) });
    const result = histogram(table, 'v', { bins: 5 });
    expect(result.bins).toEqual([0, 2, 4, 6, 8, 10]);
    expect(result.counts).toEqual([2, 2, 2, 2, 2]);
    expect(result.missing).toBe(1);
  });

  it('should give a single bin to a constant column', () => {
    const table = tableOf({ v: [3, 3, 3], w: [1, 2, 3] });
    expect(histogram(table, 'v')).toEqual({
      column: 'v',
      bins: [2.5, 3.5],
      counts: [3],
      missing: 0,
    });
  });

  it('should format bars in proportion to the counts', () => {
    const table = tableOf({ v: [0, 1, 1, 1, 1, 2, 2, 3], w: new Array(8).fill(0) });
    const text = formatHistogram(histogram(table, 'v', { bins: 3 }), { width: 8 });
    const lines = text.split('\n');
    expect(lines[0]).toBe('Histogram of "v" (8 values):');
    expect(lines[2]).toMatch(/│██ {7}1$/);
    expect(lines[3]).toMatch(/│█{8} 4$/);
    expect(lines[4]).toMatch(/│█{6} {3}3$/);
  });

  it('should refuse text columns, empty columns and bad bin counts', () => {
    const table = tableOf({ t: ['a', 'b'], e: [null, null], v: [1, 2] });
    expect(analyticsError(() => histogram(table, 't')).code).toBe('WRONG_COLUMN_TYPE');
    expect(analyticsError(() => histogram(table, 'e')).code).toBe('NOT_ENOUGH_DATA');
    expect(analyticsError(() => histogram(table, 'v', { bins: 0 })).code).toBe('INVALID_ARGUMENT');
    expect(analyticsError(() => histogram(table, 'v', { bins: 2.5 })).code).toBe(
      'INVALID_ARGUMENT',
    );
  });
});
