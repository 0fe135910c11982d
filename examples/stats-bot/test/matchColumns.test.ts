import { describe, expect, it } from 'vitest';
import { findColumnName, findColumnsIn, readColumnList } from '../src/matchColumns.ts';

const names = ['area_m2', 'price', 'rooms', 'price per m2', 'city'];

describe('findColumnName', () => {
  it('should match exactly, ignoring case, or across spaces, underscores and dashes', () => {
    expect(findColumnName('price', names)).toBe('price');
    expect(findColumnName(' PRICE ', names)).toBe('price');
    expect(findColumnName('area m2', names)).toBe('area_m2');
    expect(findColumnName('price-per-m2', names)).toBe('price per m2');
    expect(findColumnName('garden', names)).toBeUndefined();
  });
});

describe('findColumnsIn', () => {
  it('should find the columns a sentence mentions, in order, longest name first', () => {
    expect(findColumnsIn('compare rooms and price per m2', names)).toEqual([
      'rooms',
      'price per m2',
    ]);
    expect(findColumnsIn('histogram of Price?', names)).toEqual(['price']);
  });

  it('should not find a column inside another word', () => {
    expect(findColumnsIn('the prices and bedrooms', names)).toEqual([]);
  });
});

describe('readColumnList', () => {
  it('should split on commas, semicolons and "and", matching each part', () => {
    expect(readColumnList('Rooms, area m2 and city', names)).toEqual(['rooms', 'area_m2', 'city']);
    expect(readColumnList('rooms; price', names)).toEqual(['rooms', 'price']);
  });

  it('should keep a whole name that contains a separator word', () => {
    expect(readColumnList('price per m2', names)).toEqual(['price per m2']);
  });

  it('should keep unknown parts as typed so the refusal can name them', () => {
    expect(readColumnList('rooms, garden', names)).toEqual(['rooms', 'garden']);
  });
});
