import { describe, expect, it } from 'vitest';
import { AnalyticsError, AnalyticsErrorCode } from '../../src/analytics/AnalyticsError.ts';
import { IngestError } from '../../src/analytics/IngestError.ts';

describe('AnalyticsError', () => {
  it('should carry a code, a name, a message and a cause', () => {
    const cause = new Error('inner');
    const error = new AnalyticsError(AnalyticsErrorCode.MISSING_COLUMNS, 'No column "x".', {
      cause,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('AnalyticsError');
    expect(error.code).toBe('MISSING_COLUMNS');
    expect(error.message).toBe('No column "x".');
    expect(error.cause).toBe(cause);
  });

  it('should list each code under its own name', () => {
    for (const [key, value] of Object.entries(AnalyticsErrorCode)) expect(value).toBe(key);
  });
});

describe('IngestError', () => {
  it('should be an AnalyticsError with the file name and line', () => {
    const error = new IngestError(AnalyticsErrorCode.RAGGED_ROWS, 'Line 3 ...', {
      fileName: 'a.csv',
      line: 3,
    });
    expect(error).toBeInstanceOf(AnalyticsError);
    expect(error.name).toBe('IngestError');
    expect(error.code).toBe('RAGGED_ROWS');
    expect(error.fileName).toBe('a.csv');
    expect(error.line).toBe(3);
    expect(error.cause).toBeUndefined();
    expect(new IngestError('EMPTY_FILE', 'x', { fileName: 'b.csv' }).line).toBeUndefined();
  });
});
