import { describe, expect, it } from 'vitest';
import { analyzeTable } from '../../src/analytics/analyzeTable.ts';
import { analyticsError, housesTable } from './sampleData.ts';

const houses = housesTable();

describe('analyzeTable', () => {
  it('should run each analysis with text and JSON', () => {
    const descriptive = analyzeTable(houses, {
      analysis: 'descriptive',
      columns: ['price', 'rooms'],
    });
    expect(descriptive.text).toContain('Descriptive statistics (300 rows):');
    expect(descriptive.data).toMatchObject({ rowCount: 300 });
    const correlation = analyzeTable(houses, {
      analysis: 'correlation',
      columns: ['price', 'area_m2', 'age_years'],
    });
    expect(correlation.text).toContain('Pearson correlations');
    expect(correlation.data).toMatchObject({ columns: ['price', 'area_m2', 'age_years'] });
    const tTest = analyzeTable(houses, { analysis: 't_test', columns: ['rooms', 'age_years'] });
    expect(tTest.text).toContain('Welch two-sample t-test: rooms vs age_years');
    expect(tTest.data).toMatchObject({ test: 'welch_two_sample' });
    const regression = analyzeTable(houses, {
      analysis: 'linear_regression',
      columns: ['area_m2', 'price'],
    });
    expect(regression.text).toContain('Linear regression of price on area_m2');
    expect(regression.columns).toEqual(['area_m2', 'price']);
  });

  it('should pass on the refusals of the analyses', () => {
    expect(
      analyticsError(() => analyzeTable(houses, { analysis: 't_test', columns: ['price'] })).code,
    ).toBe('INVALID_ARGUMENT');
    expect(
      analyticsError(() => analyzeTable(houses, { analysis: 'descriptive', columns: ['city'] }))
        .code,
    ).toBe('WRONG_COLUMN_TYPE');
  });
});
