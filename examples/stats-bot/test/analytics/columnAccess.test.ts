import { DateDay, Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import {
  booleanLabels,
  columnValues,
  numericValues,
  presentNumbers,
  requireColumns,
  tableColumns,
} from '../../src/analytics/columnAccess.ts';
import { analyticsError, customersTable, tableOf } from './sampleData.ts';

describe('columnAccess', () => {
  it('should map Arrow types to column types, including ones ingest does not make', () => {
    const table = new Table({
      i: vectorFromArray([1, 2], new Int32()),
      d: vectorFromArray([new Date(0), null], new DateDay()),
      s: vectorFromArray(['a', 'b'], new Utf8()),
      dict: vectorFromArray(['x', 'y']),
    });
    expect(tableColumns(table)).toEqual([
      { name: 'i', type: 'number' },
      { name: 'd', type: 'date' },
      { name: 's', type: 'string' },
      { name: 'dict', type: 'string' },
    ]);
    expect(columnValues(table, 'i')).toEqual([1, 2]);
    expect(columnValues(table, 'd')).toEqual([0, null]);
    expect(columnValues(table, 'dict')).toEqual(['x', 'y']);
  });

  it('should read numeric columns and refuse others', () => {
    const table = tableOf({ n: [1, null, 3], s: ['a', 'b', 'c'] });
    expect(numericValues(table, 'n')).toEqual([1, null, 3]);
    expect(presentNumbers(table, 'n')).toEqual([1, 3]);
    const error = analyticsError(() => numericValues(table, 's'));
    expect(error.code).toBe('WRONG_COLUMN_TYPE');
  });

  it('should name missing columns and the ones there are', () => {
    const table = tableOf({ a: [1], b: [2] });
    expect(() => requireColumns(table, ['a'])).not.toThrow();
    expect(analyticsError(() => requireColumns(table, ['a', 'x', 'y'])).message).toBe(
      'The data has no columns "x", "y". Its columns are: a, b.',
    );
  });

  it('should give the words of boolean columns', () => {
    expect(booleanLabels(customersTable(), 'has_partner')).toEqual({ true: 'yes', false: 'no' });
    expect(booleanLabels(tableOf({ b: [true] }), 'b')).toEqual({ true: 'true', false: 'false' });
  });
});
