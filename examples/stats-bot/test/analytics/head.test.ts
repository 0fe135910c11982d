import { describe, expect, it } from 'vitest';
import { formatHead, head } from '../../src/analytics/head.ts';
import { ingestCsv } from '../../src/analytics/ingestCsv.ts';
import { housesTable } from './sampleData.ts';

describe('head', () => {
  it('should return the first rows as JSON values, dates as ISO and yes/no as words', () => {
    const result = head(housesTable(), 2);
    expect(result.rowCount).toBe(300);
    expect(result.columns).toHaveLength(7);
    expect(result.rows).toEqual([
      [100, 3, 16, 'no', 'Paris', '2023-12-28T00:00:00.000Z', 469800],
      [200, 6, 8, 'no', 'Lyon', '2023-07-09T00:00:00.000Z', 640200],
    ]);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('should show five rows by default and no more than there are', () => {
    expect(head(housesTable()).rows).toHaveLength(5);
    const { table } = ingestCsv('a,b\n1,true\n2,false\n', { name: 't.csv' });
    const small = head(table, 10);
    expect(small.rows).toEqual([
      [1, true],
      [2, false],
    ]);
  });

  it('should format an aligned table with dates and missing values readable', () => {
    const { table } = ingestCsv('when,amount,note\n2024-01-02,1.5,\n2024-01-03 10:30,NA,ok\n', {
      name: 'n.csv',
    });
    expect(formatHead(head(table))).toBe(
      [
        'First 2 of 2 rows:',
        '',
        'when              amount  note',
        '----------------  ------  ----',
        '2024-01-02           1.5  —',
        '2024-01-03 10:30       —  ok',
      ].join('\n'),
    );
  });
});
