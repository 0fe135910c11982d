import {
  Bool,
  Date_,
  DateUnit,
  Dictionary,
  Float32,
  Int8,
  Int32,
  Int64,
  TimestampMillisecond,
  tableFromArrays,
  Uint16,
  Utf8,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import {
  columnTypeOf,
  datasetInfoOf,
  isArrowTable,
  tableFromBytes,
  tableToBytes,
} from '../src/dataset.ts';

describe('columnTypeOf', () => {
  it('should map Arrow types to the four column types', () => {
    expect(columnTypeOf(new Int8())).toBe('number');
    expect(columnTypeOf(new Int64())).toBe('number');
    expect(columnTypeOf(new Uint16())).toBe('number');
    expect(columnTypeOf(new Float32())).toBe('number');
    expect(columnTypeOf(new Bool())).toBe('boolean');
    expect(columnTypeOf(new Date_(DateUnit.DAY))).toBe('date');
    expect(columnTypeOf(new TimestampMillisecond())).toBe('date');
    expect(columnTypeOf(new Utf8())).toBe('string');
    expect(columnTypeOf(new Dictionary(new Utf8(), new Int32()))).toBe('string');
  });
});

describe('datasetInfoOf', () => {
  it('should describe a table with a fresh id each time', () => {
    const table = tableFromArrays({ a: Float64Array.from([1, 2, 3]), b: ['x', 'y', 'z'] });
    const first = datasetInfoOf(table, 'file.csv');
    expect(first).toEqual({
      id: expect.any(String),
      name: 'file.csv',
      columns: [
        { name: 'a', type: 'number' },
        { name: 'b', type: 'string' },
      ],
      rowCount: 3,
    });
    expect(datasetInfoOf(table, 'file.csv').id).not.toBe(first.id);
  });

  it('should round-trip a table through IPC bytes', () => {
    const table = tableFromArrays({ a: Int32Array.from([4, 5]), s: ['p', 'q'] });
    expect(isArrowTable(table)).toBe(true);
    expect(isArrowTable({})).toBe(false);
    const back = tableFromBytes(tableToBytes(table));
    expect(back.toArray().map((row) => row.toJSON())).toEqual([
      { a: 4, s: 'p' },
      { a: 5, s: 'q' },
    ]);
  });
});
