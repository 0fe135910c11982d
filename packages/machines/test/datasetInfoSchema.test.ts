import { describe, expect, it } from 'vitest';
import { columnNames, findColumn, parseDatasetInfo } from '../src/datasetInfoSchema.ts';
import { exampleDataset } from '../src/fixtures.ts';

describe('parseDatasetInfo', () => {
  it('should return a plain copy holding only the known fields', () => {
    const input = { ...exampleDataset(), rows: [[1, 2]], extra: () => 1 };
    const parsed = parseDatasetInfo(input);
    expect(parsed).toStrictEqual(exampleDataset());
    expect(parsed).not.toBe(input);
  });

  it('should reject malformed descriptions without throwing', () => {
    const throwing = {
      get id(): string {
        throw new Error('getter');
      },
    };
    for (const value of [
      undefined,
      'houses.csv',
      [1, 2],
      throwing,
      { ...exampleDataset(), columns: [{ name: '', type: 'number' }] },
      { ...exampleDataset(), name: 'x'.repeat(257) },
      { ...exampleDataset(), rowCount: Number.POSITIVE_INFINITY },
    ]) {
      expect(parseDatasetInfo(value)).toBeUndefined();
    }
  });
});

describe('findColumn', () => {
  it('should find columns by exact name only, never through the prototype', () => {
    const dataset = exampleDataset();
    expect(findColumn(dataset, 'city')).toEqual({ name: 'city', type: 'string' });
    for (const name of ['constructor', '__proto__', 'toString', 'CITY', 5, { name: 'city' }]) {
      expect(findColumn(dataset, name)).toBeUndefined();
    }
    expect(findColumn(null, 'city')).toBeUndefined();
  });
});

describe('columnNames', () => {
  it('should list all columns, or the columns of one type', () => {
    expect(columnNames(exampleDataset())).toEqual(['price', 'rooms', 'area', 'city', 'sold']);
    expect(columnNames(exampleDataset(), 'number')).toEqual(['price', 'rooms', 'area']);
    expect(columnNames(null)).toEqual([]);
  });
});
