import { describe, expect, it } from 'vitest';
import { exampleModels } from '../src/fixtures.ts';
import { parseModelRecords } from '../src/modelRecordSchema.ts';

describe('parseModelRecords', () => {
  it('should keep well-formed records with distinct ids', () => {
    const [price, sold] = exampleModels();
    const records = parseModelRecords([
      price,
      { ...price, modelType: 'svm' },
      { ...price, features: [] },
      { ...sold, metrics: { accuracy: 'high' } },
      sold,
      { ...sold, target: 'other' },
    ]);
    expect(records).toStrictEqual([price, sold]);
  });

  it('should return no records for anything that is not a list', () => {
    for (const value of [undefined, null, 'models', { 0: exampleModels()[0] }]) {
      expect(parseModelRecords(value)).toEqual([]);
    }
  });
});
