import { describe, expect, it } from 'vitest';
import { formatSummary, summary } from '../../src/analytics/summary.ts';
import { customersTable, housesTable } from './sampleData.ts';

describe('summary', () => {
  const result = summary(housesTable());
  const byName = Object.fromEntries(result.columns.map((c) => [c.column, c]));

  it('should give mean and range of numbers', () => {
    expect(byName.area_m2).toMatchObject({ type: 'number', count: 300, missing: 0 });
    expect(byName.area_m2?.min).toBeGreaterThanOrEqual(35);
    expect(byName.area_m2?.max).toBeLessThanOrEqual(220);
    expect(byName.rooms?.distinct).toBeLessThanOrEqual(8);
  });

  it('should give the most frequent value of text and yes/no columns, and the range of dates', () => {
    expect(byName.city).toMatchObject({ type: 'string', distinct: 4 });
    expect(['Paris', 'Lyon']).toContain(byName.city?.top);
    expect(byName.garden).toMatchObject({ type: 'boolean', distinct: 2, top: 'no' });
    expect(byName.listed_on?.min).toBeGreaterThanOrEqual(Date.UTC(2023, 0, 1));
    expect(byName.listed_on?.max).toBeLessThan(Date.UTC(2024, 0, 1));
  });

  it('should count missing values', () => {
    const customers = summary(customersTable());
    const age = customers.columns.find((c) => c.column === 'customer_age');
    expect(age).toMatchObject({ count: 298, missing: 2 });
  });

  it('should format one line per column', () => {
    const lines = formatSummary(result).split('\n');
    expect(lines[0]).toBe('Summary of 300 rows:');
    expect(lines.find((line) => line.startsWith('garden'))).toMatch(
      /boolean +300 +0 +2 +most often no \(\d+\)$/,
    );
    expect(lines.find((line) => line.startsWith('listed_on'))).toMatch(
      /2023-01-\d\d to 2023-12-\d\d$/,
    );
    expect(lines.find((line) => line.startsWith('price'))).toMatch(/mean \d+, \d+ to \d+$/);
  });
});
