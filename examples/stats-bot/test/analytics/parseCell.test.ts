import { describe, expect, it } from 'vitest';
import { isMissing, parseBoolean, parseDate, parseNumber } from '../../src/analytics/parseCell.ts';

describe('isMissing', () => {
  it('should treat empty cells and the missing-value words as missing, in any case', () => {
    for (const token of [
      '',
      '  ',
      'NA',
      'na',
      'N/A',
      'n/a',
      'null',
      'NULL',
      'NaN',
      'nan',
      '-',
      null,
    ]) {
      expect(isMissing(token)).toBe(true);
    }
  });

  it('should not treat values as missing', () => {
    for (const value of ['0', 'no', 'None at all', '--', false, 0, new Date(0)]) {
      expect(isMissing(value)).toBe(false);
    }
    expect(isMissing(Number.NaN)).toBe(true);
  });
});

describe('parseNumber', () => {
  it('should read integers, negatives, decimals and exponents', () => {
    expect(parseNumber('42')).toBe(42);
    expect(parseNumber(' -7 ')).toBe(-7);
    expect(parseNumber('+3.25')).toBe(3.25);
    expect(parseNumber('.5')).toBe(0.5);
    expect(parseNumber('5.')).toBe(5);
    expect(parseNumber('-1.5e3')).toBe(-1500);
    expect(parseNumber('2E-2')).toBe(0.02);
  });

  it('should refuse text that is not a plain number', () => {
    for (const text of ['', 'abc', '12 kg', '1,000', '1.2.3', 'Infinity', '0x10', 'e5', '-']) {
      expect(parseNumber(text)).toBeUndefined();
    }
  });

  it('should accept a decimal comma only when asked', () => {
    expect(parseNumber('3,14')).toBeUndefined();
    expect(parseNumber('3,14', { decimalComma: true })).toBe(3.14);
    expect(parseNumber('-0,5', { decimalComma: true })).toBe(-0.5);
  });
});

describe('parseBoolean', () => {
  it('should read true/false and yes/no in any case', () => {
    expect(parseBoolean('TRUE')).toBe(true);
    expect(parseBoolean('false')).toBe(false);
    expect(parseBoolean(' Yes ')).toBe(true);
    expect(parseBoolean('no')).toBe(false);
    expect(parseBoolean('1')).toBeUndefined();
    expect(parseBoolean('y')).toBeUndefined();
  });
});

describe('parseDate', () => {
  it('should read ISO-like dates and date-times as UTC epoch milliseconds', () => {
    expect(parseDate('2024-03-01')).toBe(Date.UTC(2024, 2, 1));
    expect(parseDate('2024/3/1')).toBe(Date.UTC(2024, 2, 1));
    expect(parseDate('2024-03-01 14:30')).toBe(Date.UTC(2024, 2, 1, 14, 30));
    expect(parseDate('2024-03-01T14:30:05.25Z')).toBe(Date.UTC(2024, 2, 1, 14, 30, 5, 250));
    expect(parseDate('2024-03-01T14:30:00+02:00')).toBe(Date.UTC(2024, 2, 1, 12, 30));
  });

  it('should refuse impossible and ambiguous dates', () => {
    for (const text of ['2024-02-30', '2023-13-01', '03/01/2024', '2024-03-01T25:00', 'March 1']) {
      expect(parseDate(text)).toBeUndefined();
    }
    expect(parseDate('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
  });
});
