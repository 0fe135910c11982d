import { describe, expect, it } from 'vitest';
import { formatSimpleRegression, simpleRegression } from '../../src/analytics/simpleRegression.ts';
import { analyticsError, housesTable, tableOf } from './sampleData.ts';

const small = tableOf({
  x: [1, 2, 3, 4, 5, null],
  y: [2, 4, 5, 4, 5, 9],
  z: [5, 4, 3, 2, 1, 0],
  label: ['a', 'b', 'c', 'd', 'e', 'f'],
});

describe('simpleRegression', () => {
  it('should fit the least-squares line with R² and the slope’s test', () => {
    const fit = simpleRegression(small, ['x', 'y']);
    // scipy.stats.linregress([1..5], [2, 4, 5, 4, 5])
    expect(fit.n).toBe(5);
    expect(fit.slope).toBeCloseTo(0.6, 12);
    expect(fit.intercept).toBeCloseTo(2.2, 12);
    expect(fit.r2).toBeCloseTo(0.6, 12);
    expect(fit.slopeStandardError).toBeCloseTo(0.28284271247461895, 12);
    expect(fit.slopePValue).toBeCloseTo(0.12402706265755445, 10);
  });

  it('should find the price per square metre of the houses sample', () => {
    const fit = simpleRegression(housesTable(), ['area_m2', 'price']);
    expect(fit.slope).toBeGreaterThan(2800);
    expect(fit.slopePValue).toBeLessThan(1e-6);
    const text = formatSimpleRegression(fit);
    expect(text).toMatch(/^Linear regression of price on area_m2 \(n = 300\):/);
    expect(text).toMatch(/price = \d+ × area_m2 [+-] \d+/);
    expect(text).toContain('p < 0.0001');
  });

  it('should refuse a constant x and too few rows', () => {
    const flat = tableOf({ x: [1, 1, 1], y: [1, 2, 3] });
    expect(analyticsError(() => simpleRegression(flat, ['x', 'y'])).message).toContain(
      'same value in every row',
    );
    const few = tableOf({ x: [1, 2, null], y: [1, null, 3] });
    expect(analyticsError(() => simpleRegression(few, ['x', 'y'])).code).toBe('NOT_ENOUGH_DATA');
  });
});
