import { describe, expect, it } from 'vitest';
import { formatNumber, formatPercent, formatPValue } from '../../src/analytics/formatNumber.ts';

describe('formatNumber', () => {
  it('should keep about four significant digits', () => {
    expect(formatNumber(0.834567)).toBe('0.8346');
    expect(formatNumber(Math.PI)).toBe('3.142');
    expect(formatNumber(-2.5)).toBe('-2.5');
    expect(formatNumber(98.5)).toBe('98.5');
    expect(formatNumber(0.001234)).toBe('0.001234');
  });

  it('should round large numbers to whole units and use exponents at the extremes', () => {
    expect(formatNumber(12345.678)).toBe('12346');
    expect(formatNumber(469800)).toBe('469800');
    expect(formatNumber(1.234e9)).toBe('1.23e9');
    expect(formatNumber(0.0000045)).toBe('4.5e-6');
  });

  it('should show zero, missing and infinite values plainly', () => {
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(-0.00001 + 0.00001)).toBe('0');
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(Number.NaN)).toBe('—');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('∞');
  });

  it('should honour the digits option', () => {
    expect(formatNumber(0.834567, { digits: 2 })).toBe('0.83');
  });
});

describe('formatPValue', () => {
  it('should show small p-values as a bound', () => {
    expect(formatPValue(0.07339)).toBe('0.0734');
    expect(formatPValue(0.5)).toBe('0.5');
    expect(formatPValue(0.00001)).toBe('< 0.0001');
  });
});

describe('formatPercent', () => {
  it('should show a share as a percentage', () => {
    expect(formatPercent(0.8333)).toBe('83.3%');
    expect(formatPercent(1)).toBe('100.0%');
  });
});
