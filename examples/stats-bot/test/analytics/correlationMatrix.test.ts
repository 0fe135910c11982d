import { describe, expect, it } from 'vitest';
import {
  correlationMatrix,
  formatCorrelationMatrix,
} from '../../src/analytics/correlationMatrix.ts';
import { analyticsError, tableOf } from './sampleData.ts';

const small = tableOf({
  x: [1, 2, 3, 4, 5, null],
  y: [2, 4, 5, 4, 5, 9],
  z: [5, 4, 3, 2, 1, 0],
  label: ['a', 'b', 'c', 'd', 'e', 'f'],
});

describe('correlationMatrix', () => {
  it('should compute Pearson r on pairwise complete rows, with p-values', () => {
    const result = correlationMatrix(small, ['x', 'y', 'z']);
    expect(result.columns).toEqual(['x', 'y', 'z']);
    // SciPy: pearsonr([1..5], [2, 4, 5, 4, 5]) = 0.7745966692414834, p = 0.1240270626575546
    expect(result.matrix[0]?.[1]).toBeCloseTo(0.7745966692414834, 12);
    expect(result.pValues[0]?.[1]).toBeCloseTo(0.1240270626575546, 10);
    expect(result.matrix[1]?.[0]).toBe(result.matrix[0]?.[1]);
    expect(result.matrix[0]?.[2]).toBeCloseTo(-1, 12);
    expect(result.matrix[0]?.[0]).toBe(1);
    expect(result.n[0]?.[1]).toBe(5);
    expect(result.n[1]?.[2]).toBe(6);
    expect(result.pValues[0]?.[0]).toBeNull();
  });

  it('should leave r empty for a constant column', () => {
    const table = tableOf({ a: [1, 2, 3, 4], b: [2, 2, 2, 2] });
    expect(correlationMatrix(table, ['a', 'b']).matrix[0]?.[1]).toBeNull();
  });

  it('should format the matrix and the strongest pairs', () => {
    const text = formatCorrelationMatrix(correlationMatrix(small, ['x', 'y', 'z']));
    expect(text).toContain('x ~ z: r = -1.000 (n = 5, p < 0.0001)');
    expect(text).toContain('x ~ y: r = 0.775 (n = 5, p = 0.124)');
    expect(text.indexOf('x ~ z')).toBeLessThan(text.indexOf('x ~ y'));
  });

  it('should need two numeric columns', () => {
    expect(analyticsError(() => correlationMatrix(small, ['x'])).code).toBe('INVALID_ARGUMENT');
    expect(analyticsError(() => correlationMatrix(small, ['x', 'x'])).code).toBe(
      'INVALID_ARGUMENT',
    );
    expect(analyticsError(() => correlationMatrix(small, ['x', 'label'])).code).toBe(
      'WRONG_COLUMN_TYPE',
    );
  });
});
