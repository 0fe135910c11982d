import type { Table } from 'apache-arrow';
import { max, mean, min, quantileSorted, sampleStandardDeviation } from 'simple-statistics';
import { AnalyticsError, AnalyticsErrorCode } from './AnalyticsError.ts';
import { numericValues } from './columnAccess.ts';
import { formatNumber } from './formatNumber.ts';
import { formatTable } from './formatTable.ts';

/** Descriptive statistics of one numeric column; `null` where there are too few values. */
export interface ColumnDescription {
  column: string;
  /** Values present. */
  count: number;
  /** Values missing. */
  missing: number;
  mean: number | null;
  /** Sample standard deviation (n - 1); needs two values. */
  sd: number | null;
  min: number | null;
  /** First quartile (linear interpolation, as R's and NumPy's default). */
  q1: number | null;
  median: number | null;
  /** Third quartile. */
  q3: number | null;
  max: number | null;
}

/** What {@link describe} returns. */
export interface DescribeResult {
  rowCount: number;
  columns: ColumnDescription[];
}

/**
 * Count, mean, standard deviation, minimum, quartiles, maximum and missing values of
 * numeric columns (simple-statistics). A column that is not numeric is a
 * `WRONG_COLUMN_TYPE` {@link AnalyticsError}; one that is not in the table,
 * `MISSING_COLUMNS`.
 *
 * @example
 * ```ts
 * const result = describe(table, ['price', 'area_m2']);
 * result.columns[0]?.median;
 * await reply(formatDescribe(result));
 * ```
 */
export function describe(table: Table, columns: readonly string[]): DescribeResult {
  if (columns.length === 0) {
    throw new AnalyticsError(
      AnalyticsErrorCode.INVALID_ARGUMENT,
      'Please choose at least one numeric column to describe.',
    );
  }
  return {
    rowCount: table.numRows,
    columns: columns.map((column) => {
      const values = numericValues(table, column);
      const present = values.filter((value): value is number => value !== null);
      const sorted = [...present].sort((a, b) => a - b);
      const has = present.length > 0;
      return {
        column,
        count: present.length,
        missing: values.length - present.length,
        mean: has ? mean(present) : null,
        sd: present.length >= 2 ? sampleStandardDeviation(present) : null,
        min: has ? min(present) : null,
        q1: has ? quantileSorted(sorted, 0.25) : null,
        median: has ? quantileSorted(sorted, 0.5) : null,
        q3: has ? quantileSorted(sorted, 0.75) : null,
        max: has ? max(present) : null,
      };
    }),
  };
}

/**
 * A {@link DescribeResult} as chat text: one line per column with count, mean, sd, min,
 * quartiles, max and missing.
 */
export function formatDescribe(result: DescribeResult): string {
  const rows = result.columns.map((c) => [
    c.column,
    String(c.count),
    formatNumber(c.mean),
    formatNumber(c.sd),
    formatNumber(c.min),
    formatNumber(c.q1),
    formatNumber(c.median),
    formatNumber(c.q3),
    formatNumber(c.max),
    String(c.missing),
  ]);
  return [
    `Descriptive statistics (${result.rowCount} rows):`,
    '',
    formatTable(['column', 'n', 'mean', 'sd', 'min', 'q1', 'median', 'q3', 'max', 'missing'], rows),
  ].join('\n');
}
