import type { Table } from 'apache-arrow';
import { mean, sampleVariance } from 'simple-statistics';
import { AnalyticsError, AnalyticsErrorCode } from './AnalyticsError.ts';
import { presentNumbers } from './columnAccess.ts';
import { formatNumber, formatPClause } from './formatNumber.ts';
import { formatTable } from './formatTable.ts';
import { studentTQuantile, studentTTwoSidedP } from './studentT.ts';

/** One sample of a t-test. */
export interface TTestGroup {
  column: string;
  n: number;
  mean: number;
  sd: number;
}

/** What {@link tTest} returns. */
export interface TTestResult {
  test: 'welch_two_sample';
  groups: [TTestGroup, TTestGroup];
  /** Mean of the first column minus mean of the second. */
  meanDifference: number;
  t: number;
  /** Welch–Satterthwaite degrees of freedom (not a whole number in general). */
  df: number;
  /** Two-sided p-value. */
  pValue: number;
  confidenceLevel: number;
  /** Confidence interval of the mean difference. */
  confidenceInterval: [number, number];
}

/** Options of {@link tTest}. */
export interface TTestOptions {
  /**
   * Level of the confidence interval of the mean difference.
   * @default 0.95
   */
  confidenceLevel?: number;
}

/**
 * Welch's two-sample t-test of whether two numeric columns have the same mean, treating
 * their present values as independent samples (unequal variances allowed): t, the
 * Welch–Satterthwaite degrees of freedom, the two-sided p-value from Student's t
 * distribution, and a confidence interval of the difference. Each column needs two
 * values and the two together some variation.
 *
 * @example
 * ```ts
 * const result = tTest(table, ['score_before', 'score_after']);
 * result.pValue; // e.g. 0.012
 * await reply(formatTTest(result));
 * ```
 */
export function tTest(
  table: Table,
  columns: readonly [string, string] | readonly string[],
  options: TTestOptions = {},
): TTestResult {
  const [a, b] = columns;
  if (columns.length !== 2 || a === undefined || b === undefined || a === b) {
    throw new AnalyticsError(
      AnalyticsErrorCode.INVALID_ARGUMENT,
      'A t-test compares exactly two different numeric columns.',
    );
  }
  const xs = presentNumbers(table, a);
  const ys = presentNumbers(table, b);
  for (const [column, values] of [
    [a, xs],
    [b, ys],
  ] as const) {
    if (values.length < 2) {
      throw new AnalyticsError(
        AnalyticsErrorCode.NOT_ENOUGH_DATA,
        `Column "${column}" has ${values.length} value${values.length === 1 ? '' : 's'}; a t-test needs at least two in each column.`,
      );
    }
  }
  const va = sampleVariance(xs) / xs.length;
  const vb = sampleVariance(ys) / ys.length;
  const se = Math.sqrt(va + vb);
  if (se === 0) {
    throw new AnalyticsError(
      AnalyticsErrorCode.NOT_ENOUGH_DATA,
      `"${a}" and "${b}" are both constant; a t-test needs some variation.`,
    );
  }
  const meanA = mean(xs);
  const meanB = mean(ys);
  const meanDifference = meanA - meanB;
  const t = meanDifference / se;
  const df = (va + vb) ** 2 / (va ** 2 / (xs.length - 1) + vb ** 2 / (ys.length - 1));
  const confidenceLevel = options.confidenceLevel ?? 0.95;
  const margin = studentTQuantile(1 - (1 - confidenceLevel) / 2, df) * se;
  return {
    test: 'welch_two_sample',
    groups: [
      { column: a, n: xs.length, mean: meanA, sd: Math.sqrt(va * xs.length) },
      { column: b, n: ys.length, mean: meanB, sd: Math.sqrt(vb * ys.length) },
    ],
    meanDifference,
    t,
    df,
    pValue: studentTTwoSidedP(t, df),
    confidenceLevel,
    confidenceInterval: [meanDifference - margin, meanDifference + margin],
  };
}

/**
 * A {@link TTestResult} as chat text: the two samples, the difference with its
 * confidence interval, t, df and p, and a one-line reading at the 5% level.
 */
export function formatTTest(result: TTestResult): string {
  const [first, second] = result.groups;
  const level = `${Math.round(result.confidenceLevel * 100)}%`;
  const [low, high] = result.confidenceInterval;
  const verdict =
    result.pValue < 0.05
      ? `The means differ significantly at the 5% level (${first.column} is ${result.meanDifference > 0 ? 'higher' : 'lower'}).`
      : 'No significant difference between the means at the 5% level.';
  return [
    `Welch two-sample t-test: ${first.column} vs ${second.column}`,
    '',
    formatTable(
      ['column', 'n', 'mean', 'sd'],
      result.groups.map((g) => [g.column, String(g.n), formatNumber(g.mean), formatNumber(g.sd)]),
    ),
    '',
    `Difference of means: ${formatNumber(result.meanDifference)} (${level} CI ${formatNumber(low)} to ${formatNumber(high)})`,
    `t = ${formatNumber(result.t, { digits: 3 })}, df = ${formatNumber(result.df, { digits: 3 })}, ${formatPClause(result.pValue)}`,
    verdict,
  ].join('\n');
}
