import { Float64, TimestampMillisecond } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { formatCell, formatColumnCells, formatDate } from '../../src/analytics/formatCell.ts';
import { customersTable } from './sampleData.ts';

describe('formatCell', () => {
  it('should show numbers rounded, dates as dates and missing values as a dash', () => {
    expect(formatCell(1.234567, new Float64())).toBe('1.235');
    expect(formatCell(Date.UTC(2024, 2, 1), new TimestampMillisecond())).toBe('2024-03-01');
    expect(formatCell(Date.UTC(2024, 2, 1, 9, 5), new TimestampMillisecond())).toBe(
      '2024-03-01 09:05',
    );
    expect(formatCell(null)).toBe('—');
    expect(formatCell(true)).toBe('true');
    expect(formatCell(false, undefined, { true: 'yes', false: 'no' })).toBe('no');
  });

  it('should format a column with its type and words', () => {
    expect(formatColumnCells(customersTable(), 'churned', 3)).toEqual(['yes', 'yes', 'no']);
    expect(formatDate(0)).toBe('1970-01-01');
  });
});
