import { describe, expect, it } from 'vitest';
import { formatSchema, schema } from '../../src/analytics/schema.ts';
import { housesTable, tableOf } from './sampleData.ts';

describe('schema', () => {
  it('should list the columns with their types and count the rows', () => {
    const result = schema(housesTable());
    expect(result.rowCount).toBe(300);
    expect(result.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'area_m2:number',
      'rooms:number',
      'age_years:number',
      'garden:boolean',
      'city:string',
      'listed_on:date',
      'price:number',
    ]);
  });

  it('should format the size and one line per column', () => {
    const text = formatSchema(schema(tableOf({ a: [1], b: ['x'] })));
    expect(text).toBe(
      [
        '1 row, 2 columns:',
        '',
        'column  type',
        '------  ------',
        'a       number',
        'b       string',
      ].join('\n'),
    );
  });
});
