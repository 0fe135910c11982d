import { describe, expect, it } from 'vitest';
import { formatMissing, missing } from '../../src/analytics/missing.ts';
import { customersTable, housesTable } from './sampleData.ts';

describe('missing', () => {
  it('should count missing values per column and complete rows', () => {
    const result = missing(customersTable());
    expect(result.rowCount).toBe(300);
    expect(result.completeRows).toBe(294);
    const counts = Object.fromEntries(result.columns.map((c) => [c.column, c.missing]));
    expect(counts).toEqual({
      customer_age: 2,
      tenure_months: 0,
      monthly_charges: 2,
      contract: 1,
      support_calls: 0,
      has_partner: 0,
      churned: 1,
    });
    expect(result.columns[0]?.share).toBeCloseTo(2 / 300, 12);
  });

  it('should list the columns with missing values, most first', () => {
    const text = formatMissing(missing(customersTable()));
    const lines = text.split('\n');
    expect(lines[0]).toBe('294 of 300 rows are complete. Missing values by column:');
    expect(lines[4]).toMatch(/^customer_age +2 +0\.7%$/);
    expect(lines.at(-1)).toBe('The other 3 columns have no missing values.');
  });

  it('should say when nothing is missing', () => {
    expect(formatMissing(missing(housesTable()))).toBe(
      'No missing values: all 300 rows are complete.',
    );
  });
});
