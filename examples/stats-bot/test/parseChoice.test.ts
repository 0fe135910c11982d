import { describe, expect, it } from 'vitest';
import { parseChoice } from '../src/parseChoice.ts';

const columns = ['price', 'rooms', 'area', 'year built'].map((name) => ({
  label: name,
  value: name,
}));

describe('parseChoice', () => {
  it('should pick a choice by its number', () => {
    expect(parseChoice('2', columns)).toEqual({ ok: true, values: ['rooms'] });
  });

  it('should pick a choice by its name, ignoring case and blanks', () => {
    expect(parseChoice('  Year Built ', columns)).toEqual({ ok: true, values: ['year built'] });
  });

  it('should match a label as well as a value', () => {
    const choices = [{ label: 'Correlation matrix', value: 'correlation' }];
    expect(parseChoice('correlation matrix', choices)).toEqual({
      ok: true,
      values: ['correlation'],
    });
  });

  it('should refuse a number out of range', () => {
    expect(parseChoice('5', columns).ok).toBe(false);
    expect(parseChoice('0', columns).ok).toBe(false);
  });

  it('should refuse several picks when only one is allowed', () => {
    expect(parseChoice('1,3', columns).ok).toBe(false);
  });

  it('should pick several by numbers separated by commas or spaces', () => {
    expect(parseChoice('1,3', columns, { multiple: true })).toEqual({
      ok: true,
      values: ['price', 'area'],
    });
    expect(parseChoice('3 1', columns, { multiple: true })).toEqual({
      ok: true,
      values: ['area', 'price'],
    });
  });

  it('should pick several by names separated by commas, dropping duplicates', () => {
    expect(parseChoice('rooms, year built, 2', columns, { multiple: true })).toEqual({
      ok: true,
      values: ['rooms', 'year built'],
    });
  });

  it('should pick every choice with "all"', () => {
    expect(parseChoice('ALL', columns, { multiple: true })).toEqual({
      ok: true,
      values: columns.map((choice) => choice.value),
    });
  });

  it('should name the parts that are not choices', () => {
    const result = parseChoice('rooms, garden', columns, { multiple: true });
    expect(result).toEqual({ ok: false, reason: 'Not among the choices: "garden".' });
  });

  it('should refuse empty text and an empty list', () => {
    expect(parseChoice('  ', columns).ok).toBe(false);
    expect(parseChoice('1', []).ok).toBe(false);
  });
});
