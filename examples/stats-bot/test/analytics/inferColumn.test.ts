import { describe, expect, it } from 'vitest';
import { inferColumn } from '../../src/analytics/inferColumn.ts';

describe('inferColumn', () => {
  it('should infer numbers, tolerating missing values', () => {
    const column = inferColumn('x', ['1', 'NA', '-2.5', '', '3e2', 'null']);
    expect(column.type).toBe('number');
    expect(column.values).toEqual([1, null, -2.5, null, 300, null]);
    expect(column.warnings).toEqual([]);
  });

  it('should infer booleans and remember yes/no words', () => {
    const yesNo = inferColumn('x', ['yes', 'No', 'N/A']);
    expect(yesNo).toMatchObject({ type: 'boolean', values: [true, false, null] });
    expect(yesNo.booleanLabels).toEqual({ true: 'yes', false: 'no' });
    const trueFalse = inferColumn('x', ['true', 'FALSE']);
    expect(trueFalse.type).toBe('boolean');
    expect(trueFalse.booleanLabels).toBeUndefined();
  });

  it('should keep 0/1 columns numeric', () => {
    expect(inferColumn('x', ['0', '1', '1']).type).toBe('number');
  });

  it('should infer dates', () => {
    const column = inferColumn('x', ['2024-01-02', '', '2024-01-03T10:00:00Z']);
    expect(column.type).toBe('date');
    expect(column.values).toEqual([Date.UTC(2024, 0, 2), null, Date.UTC(2024, 0, 3, 10)]);
  });

  it('should fall back to text and trim it', () => {
    const column = inferColumn('x', [' Lyon ', '12', 'NA']);
    expect(column.type).toBe('string');
    expect(column.values).toEqual(['Lyon', '12', null]);
  });

  it('should set a few odd values aside in a long numeric column, with a warning naming them', () => {
    const cells = [...Array.from({ length: 40 }, (_, i) => String(i)), 'unknown'];
    const column = inferColumn('age', cells);
    expect(column.type).toBe('number');
    expect(column.values.at(-1)).toBeNull();
    expect(column.warnings).toHaveLength(1);
    expect(column.warnings[0]).toContain('"unknown"');
    expect(column.warnings[0]).toContain('age');
  });

  it('should keep a short column with an odd value as text', () => {
    expect(inferColumn('x', ['1', '2', 'three']).type).toBe('string');
  });

  it('should keep spreadsheet values typed', () => {
    expect(inferColumn('x', [1.5, null, 2]).type).toBe('number');
    expect(inferColumn('x', [true, false]).type).toBe('boolean');
    const dates = inferColumn('x', [new Date(Date.UTC(2020, 0, 1)), null]);
    expect(dates.type).toBe('date');
    expect(dates.values).toEqual([Date.UTC(2020, 0, 1), null]);
  });

  it('should keep an all-missing column as empty text with a warning', () => {
    const column = inferColumn('notes', ['', 'NA']);
    expect(column.type).toBe('string');
    expect(column.values).toEqual([null, null]);
    expect(column.warnings[0]).toContain('notes');
  });
});
