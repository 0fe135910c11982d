import type { AnalysisTypeId, JsonValue } from '@chatflow/machines';
import type { Table } from 'apache-arrow';
import { AnalyticsError, AnalyticsErrorCode } from './AnalyticsError.ts';
import { correlationMatrix, formatCorrelationMatrix } from './correlationMatrix.ts';
import { describe, formatDescribe } from './describe.ts';
import { formatSimpleRegression, simpleRegression } from './simpleRegression.ts';
import { formatTTest, tTest } from './tTest.ts';

/** What {@link analyzeTable} runs. */
export interface AnalyzeTableOptions {
  analysis: AnalysisTypeId;
  /** Numeric columns: any number for `descriptive`, two or more for `correlation`, two (x, y / a, b) otherwise. */
  columns: readonly string[];
}

/** The outcome of a statistical analysis. */
export interface AnalyzeTableResult {
  analysis: AnalysisTypeId;
  columns: string[];
  /** The result as chat text (aligned for a monospaced block). */
  text: string;
  /** The result as JSON. */
  data: JsonValue;
}

/**
 * Runs one statistical analysis on a table: `descriptive` ({@link describe}),
 * `correlation` ({@link correlationMatrix}), `t_test` (Welch, {@link tTest}) or
 * `linear_regression` of the second column on the first ({@link simpleRegression}).
 *
 * @example
 * ```ts
 * const { text, data } = analyzeTable(table, { analysis: 't_test', columns: ['a', 'b'] });
 * ```
 */
export function analyzeTable(table: Table, options: AnalyzeTableOptions): AnalyzeTableResult {
  const { analysis } = options;
  const columns = [...options.columns];
  const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as JsonValue;
  switch (analysis) {
    case 'descriptive': {
      const result = describe(table, columns);
      return { analysis, columns, text: formatDescribe(result), data: json(result) };
    }
    case 'correlation': {
      const result = correlationMatrix(table, columns);
      return { analysis, columns, text: formatCorrelationMatrix(result), data: json(result) };
    }
    case 't_test': {
      const result = tTest(table, columns);
      return { analysis, columns, text: formatTTest(result), data: json(result) };
    }
    case 'linear_regression': {
      const result = simpleRegression(table, columns);
      return { analysis, columns, text: formatSimpleRegression(result), data: json(result) };
    }
    default:
      throw new AnalyticsError(
        AnalyticsErrorCode.INVALID_ARGUMENT,
        `Unknown analysis "${String(analysis)}". Choose one of: descriptive, correlation, t_test, linear_regression.`,
      );
  }
}
