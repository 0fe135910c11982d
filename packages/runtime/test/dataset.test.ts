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
  tableToIPC,
  Uint16,
  Utf8,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import {
  columnTypeOf,
  datasetInfoOf,
  isArrowTable,
  ownedBytes,
  tableFromBytes,
  tableToBytes,
  UnreadableDataError,
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

describe('tableFromBytes', () => {
  const table = tableFromArrays({ a: Int32Array.from([4, 5]), s: ['p', 'q'] });

  it('should read the stream and the file format', () => {
    for (const format of ['stream', 'file'] as const) {
      const back = tableFromBytes(tableToIPC(table, format));
      expect(back.getChild('s')?.toArray()).toEqual(['p', 'q']);
    }
  });

  it('should refuse bytes apache-arrow would read as a table of no columns', () => {
    const stream = tableToIPC(table, 'stream');
    for (const bytes of [
      new Uint8Array(0),
      new Uint8Array(100),
      Uint8Array.from([0xff, 0xfe, 0x7b, 0x00, 0xc3, 0x28]),
      stream.subarray(0, 8),
      Uint8Array.from([0xff, 0xff, 0xff, 0xff, 8, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]),
    ]) {
      expect(() => tableFromBytes(bytes)).toThrow(UnreadableDataError);
    }
    expect(() => tableFromBytes(stream.subarray(0, stream.length - 40))).toThrow(
      /Arrow IPC stream does not parse/,
    );
  });
});

describe('ownedBytes', () => {
  it('should know the bytes tableToBytes made, and only those', () => {
    const bytes = tableToBytes(tableFromArrays({ a: Float64Array.from([1]) }));
    expect(ownedBytes(bytes)).toBe(true);
    expect(ownedBytes(bytes.slice())).toBe(false);
    expect(ownedBytes(bytes.subarray(1))).toBe(false);
    expect(ownedBytes(new Uint8Array(8))).toBe(false);
  });
});
