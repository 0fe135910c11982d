import type { Table } from 'apache-arrow';
import { linearRegression, linearRegressionLine, rSquared } from 'simple-statistics';
import { AnalyticsError, AnalyticsErrorCode } from './AnalyticsError.ts';
import { formatNumber, formatPClause } from './formatNumber.ts';
import { pairedValues } from './pairedValues.ts';
import { studentTTwoSidedP } from './studentT.ts';

/** What {@link simpleRegression} returns. */
export interface SimpleRegressionResult {
  x: string;
  y: string;
  /** Rows where both columns have a value. */
  n: number;
  slope: number;
  intercept: number;
  r2: number;
  /** Standard error of the slope. */
  slopeStandardError: number;
  /** Two-sided p-value of slope = 0 (t test with n - 2 degrees of freedom). */
  slopePValue: number;
}

/**
 * Least-squares line `y = slope · x + intercept` of one numeric column on another
 * (simple-statistics), on the rows where both have a value, with R² and the slope's
 * standard error and p-value. Needs three such rows and some variation in x.
 *
 * @example
 * ```ts
 * const fit = simpleRegression(table, ['area_m2', 'price']);
 * fit.slope; // price per m²
 * await reply(formatSimpleRegression(fit));
 * ```
 */
export function simpleRegression(
  table: Table,
  columns: readonly [string, string] | readonly string[],
): SimpleRegressionResult {
  const [x, y] = columns;
  if (columns.length !== 2 || x === undefined || y === undefined || x === y) {
    throw new AnalyticsError(
      AnalyticsErrorCode.INVALID_ARGUMENT,
      'A simple regression takes exactly two different numeric columns: x, then y.',
    );
  }
  const { xs, ys } = pairedValues(table, x, y);
  const n = xs.length;
  if (n < 3) {
    throw new AnalyticsError(
      AnalyticsErrorCode.NOT_ENOUGH_DATA,
      `Only ${n} row${n === 1 ? ' has' : 's have'} values in both "${x}" and "${y}"; a regression needs at least 3.`,
    );
  }
  const meanX = xs.reduce((sum, value) => sum + value, 0) / n;
  const sxx = xs.reduce((sum, value) => sum + (value - meanX) ** 2, 0);
  if (sxx === 0) {
    throw new AnalyticsError(
      AnalyticsErrorCode.NOT_ENOUGH_DATA,
      `"${x}" has the same value in every row, so no line can be fitted on it.`,
    );
  }
  const points = xs.map((value, i) => [value, ys[i] ?? 0]);
  const { m: slope, b: intercept } = linearRegression(points);
  const line = linearRegressionLine({ m: slope, b: intercept });
  const r2 = rSquared(points, line);
  const residual = points.reduce((sum, [px = 0, py = 0]) => sum + (py - line(px)) ** 2, 0);
  const slopeStandardError = Math.sqrt(residual / (n - 2) / sxx);
  const slopePValue =
    slopeStandardError === 0
      ? slope === 0
        ? 1
        : 0
      : studentTTwoSidedP(slope / slopeStandardError, n - 2);
  return { x, y, n, slope, intercept, r2, slopeStandardError, slopePValue };
}

/** A {@link SimpleRegressionResult} as chat text: the line, R², and the slope's test. */
export function formatSimpleRegression(result: SimpleRegressionResult): string {
  const sign = result.intercept < 0 ? '-' : '+';
  return [
    `Linear regression of ${result.y} on ${result.x} (n = ${result.n}):`,
    `${result.y} = ${formatNumber(result.slope)} × ${result.x} ${sign} ${formatNumber(Math.abs(result.intercept))}`,
    `R² = ${formatNumber(result.r2, { digits: 3 })}`,
    `Slope: ${formatNumber(result.slope)} ± ${formatNumber(result.slopeStandardError)} (standard error), ${formatPClause(result.slopePValue)}`,
    result.slopePValue < 0.05
      ? `On average ${result.y} changes by ${formatNumber(result.slope)} per unit of ${result.x}; the slope is significant at the 5% level.`
      : `The slope is not significantly different from zero at the 5% level.`,
  ].join('\n');
}
