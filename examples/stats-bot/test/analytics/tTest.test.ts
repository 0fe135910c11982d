import { describe, expect, it } from 'vitest';
import { formatTTest, tTest } from '../../src/analytics/tTest.ts';
import { analyticsError, tableOf } from './sampleData.ts';

// Two samples of different sizes, the shorter padded with missing values.
const before = [5.1, 4.9, 6.2, 5.8, 6.0, 5.5, 5.3, 6.1];
const after = [4.1, 4.5, 4.8, 3.9, 5.0, 4.4, 4.6, 4.7, 4.2, 4.9, 5.1];
const samples = tableOf({
  before: [...before, null, null, null],
  after,
});

describe('tTest', () => {
  it('should match Welch’s test as SciPy computes it', () => {
    const result = tTest(samples, ['before', 'after']);
    // scipy.stats.ttest_ind(before, after, equal_var=False)
    expect(result.t).toBeCloseTo(5.0612429050585845, 10);
    expect(result.df).toBeCloseTo(12.982201398687014, 10);
    expect(result.pValue).toBeCloseTo(0.00021901475036223018, 12);
    expect(result.confidenceInterval[0]).toBeCloseTo(0.601098531511076, 8);
    expect(result.confidenceInterval[1]).toBeCloseTo(1.4966287412161967, 8);
    expect(result.groups.map((g) => g.n)).toEqual([8, 11]);
    expect(result.meanDifference).toBeCloseTo(5.6125 - 4.5636363636, 8);
  });

  it('should be symmetric in its columns', () => {
    const forward = tTest(samples, ['before', 'after']);
    const backward = tTest(samples, ['after', 'before']);
    expect(backward.t).toBeCloseTo(-forward.t, 12);
    expect(backward.pValue).toBeCloseTo(forward.pValue, 14);
  });

  it('should format the samples, the test and a reading', () => {
    const text = formatTTest(tTest(samples, ['before', 'after']));
    expect(text).toContain('Welch two-sample t-test: before vs after');
    expect(text).toContain('t = 5.06, df = 13, p = 0.000219');
    expect(text).toContain('95% CI 0.6011 to 1.497');
    expect(text).toContain('differ significantly at the 5% level (before is higher)');
    const same = tableOf({ a: [1, 2, 3, 4], b: [2, 1, 4, 3] });
    expect(formatTTest(tTest(same, ['a', 'b']))).toContain('No significant difference');
  });

  it('should refuse too few values, constant data and a wrong column count', () => {
    const few = tableOf({ a: [1, null, null], b: [1, 2, 3] });
    expect(analyticsError(() => tTest(few, ['a', 'b'])).message).toContain(
      'Column "a" has 1 value; a t-test needs at least two',
    );
    const flat = tableOf({ a: [1, 1], b: [1, 1] });
    expect(analyticsError(() => tTest(flat, ['a', 'b'])).code).toBe('NOT_ENOUGH_DATA');
    expect(analyticsError(() => tTest(samples, ['before'])).code).toBe('INVALID_ARGUMENT');
  });
});
