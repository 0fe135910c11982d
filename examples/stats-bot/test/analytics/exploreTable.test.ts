import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { exploreTable } from '../../src/analytics/exploreTable.ts';
import { analyticsError, customersTable, housesTable } from './sampleData.ts';

const houses = housesTable();

describe('exploreTable', () => {
  it('should run each whole-table command with text and JSON', () => {
    for (const command of ['schema', 'head', 'summary', 'missing'] as const) {
      const result = exploreTable(houses, { command });
      expect(result.command).toBe(command);
      expect(result.column).toBeNull();
      expect(result.text.length).toBeGreaterThan(10);
      expect(JSON.parse(JSON.stringify(result.data))).toEqual(result.data);
      expect(result.png).toBeUndefined();
    }
    expect(exploreTable(houses, { command: 'head', rows: 3 }).text).toContain(
      'First 3 of 300 rows',
    );
  });

  it('should look at one column when one is given', () => {
    const result = exploreTable(customersTable(), { command: 'missing', column: 'contract' });
    expect(result.column).toBe('contract');
    expect(result.data).toMatchObject({ rowCount: 300, completeRows: 299 });
    expect(exploreTable(houses, { command: 'schema', column: 'city' }).text).toContain(
      '300 rows, 1 column:',
    );
  });

  it('should count values and draw a histogram of a column', () => {
    const counts = exploreTable(houses, { command: 'value_counts', column: 'city', top: 2 });
    expect(counts.text).toContain('Values of "city"');
    expect((counts.data as { values: unknown[] }).values).toHaveLength(2);
    const hist = exploreTable(houses, { command: 'histogram', column: 'price' });
    expect(hist.text).toContain('Histogram of "price"');
    const png = PNG.sync.read(Buffer.from(hist.png ?? new Uint8Array()));
    expect(png.width).toBe(640);
    expect(
      exploreTable(houses, { command: 'histogram', column: 'price', bins: 4 }).data,
    ).toMatchObject({
      counts: [expect.any(Number), expect.any(Number), expect.any(Number), expect.any(Number)],
    });
  });

  it('should ask for a column where one is needed, and name unknown columns', () => {
    expect(analyticsError(() => exploreTable(houses, { command: 'histogram' })).message).toBe(
      'histogram needs a column: say which one.',
    );
    expect(analyticsError(() => exploreTable(houses, { command: 'head', column: 'zz' })).code).toBe(
      'MISSING_COLUMNS',
    );
    expect(
      analyticsError(() => exploreTable(houses, { command: 'histogram', column: 'city' })).code,
    ).toBe('WRONG_COLUMN_TYPE');
  });
});
