import { describe, expect, it } from 'vitest';
import {
  encodedColumnNames,
  encodeRow,
  fitFeatureEncoding,
  fitStandardization,
  maxCategories,
  readFeatureColumns,
  standardize,
} from '../../src/analytics/featureEncoding.ts';
import { ingestCsv } from '../../src/analytics/ingestCsv.ts';
import { tableOf } from './sampleData.ts';

describe('featureEncoding', () => {
  const { table } = ingestCsv(
    'n,b,d,c\n1,yes,1970-01-03,x\n3,no,1970-01-05,y\nNA,yes,,x\n5,NA,1970-01-02,z\n',
    { name: 'f.csv' },
  );

  it('should learn fills from the training rows and categories by frequency', () => {
    const { encoding } = fitFeatureEncoding(table, ['n', 'b', 'd', 'c'], [0, 1, 2]);
    expect(encoding).toEqual([
      { name: 'n', kind: 'number', fill: 2 },
      { name: 'b', kind: 'boolean', fill: 2 / 3 },
      { name: 'd', kind: 'date', fill: 3 },
      { name: 'c', kind: 'category', categories: ['x', 'y'] },
    ]);
    expect(encodedColumnNames(encoding)).toEqual(['n', 'b', 'd', 'c=y']);
  });

  it('should encode rows one-hot, filling missing values', () => {
    const { encoding } = fitFeatureEncoding(table, ['n', 'b', 'd', 'c'], [0, 1, 2]);
    const columns = readFeatureColumns(table, encoding);
    expect(encodeRow(columns, 1)).toEqual({ vector: [3, 0, 4, 1], filled: false });
    expect(encodeRow(columns, 2)).toEqual({ vector: [2, 1, 3, 0], filled: true });
    // "z" was not seen in training: the reference level.
    expect(encodeRow(columns, 3)).toEqual({ vector: [5, 2 / 3, 1, 0], filled: true });
  });

  it('should keep only the most frequent categories of a wide text column, with a warning', () => {
    const values = Array.from({ length: 40 }, (_, i) => `v${i}`);
    const wide = tableOf({ c: values, y: values.map((_, i) => i) });
    const { encoding, warnings } = fitFeatureEncoding(
      wide,
      ['c'],
      values.map((_, i) => i),
    );
    expect(encoding[0]).toMatchObject({ kind: 'category' });
    expect(encoding[0]?.kind === 'category' && encoding[0].categories).toHaveLength(maxCategories);
    expect(warnings[0]).toContain('40 different values');
  });

  it('should standardize to mean 0 and spread 1, leaving constant columns unscaled', () => {
    const standardization = fitStandardization([
      [1, 5],
      [3, 5],
    ]);
    expect(standardization).toEqual({ means: [2, 5], scales: [1, 1] });
    expect(standardize([3, 5], standardization)).toEqual([1, 0]);
    const wider = fitStandardization([[0], [4]]);
    expect(standardize([4], wider)).toEqual([1]);
  });
});
