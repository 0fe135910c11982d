import { describe, expect, it } from 'vitest';
import { ingestCsv } from '../src/analytics/ingestCsv.ts';
import { tableToCsv } from '../src/tableToCsv.ts';

describe('tableToCsv', () => {
  it('should write numbers, dates, yes/no words, quoted text and empty missing values', () => {
    const { table } = ingestCsv(
      'name,price,listed,garden\n"Smith, J",1.25,2024-03-01,yes\nLee,,2024-03-02,no\n',
      { name: 't.csv' },
    );
    expect(tableToCsv(table)).toBe(
      'name,price,listed,garden\n"Smith, J",1.25,2024-03-01,yes\nLee,,2024-03-02,no\n',
    );
  });

  it('should double quotes inside a quoted field', () => {
    const { table } = ingestCsv('a,b\n"say ""hi""",1\nplain,2\n', { name: 'q.csv' });
    expect(tableToCsv(table)).toBe('a,b\n"say ""hi""",1\nplain,2\n');
  });
});
