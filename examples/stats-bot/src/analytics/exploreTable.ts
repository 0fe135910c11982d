import type { ExplorationCommandId, JsonValue } from '@chatflow/machines';
import type { Table } from 'apache-arrow';
import { AnalyticsError, AnalyticsErrorCode } from './AnalyticsError.ts';
import { requireColumns } from './columnAccess.ts';
import { formatHead, head } from './head.ts';
import { formatHistogram, histogram } from './histogram.ts';
import { formatMissing, missing } from './missing.ts';
import { renderHistogramPng } from './renderHistogramPng.ts';
import { formatSchema, schema } from './schema.ts';
import { formatSummary, summary } from './summary.ts';
import { formatValueCounts, valueCounts } from './valueCounts.ts';

/** What {@link exploreTable} runs. */
export interface ExploreTableOptions {
  command: ExplorationCommandId;
  /**
   * The column to look at: required by `value_counts` and `histogram` (numeric), optional
   * for the others, which then look at that column only.
   * @default none (the whole table)
   */
  column?: string;
  /**
   * Rows shown by `head`.
   * @default 5
   */
  rows?: number;
  /**
   * Values listed by `value_counts`.
   * @default 10
   */
  top?: number;
  /**
   * Bins of `histogram`.
   * @default Sturges' rule on round edges
   */
  bins?: number;
}

/** The outcome of an exploration command. */
export interface ExploreTableResult {
  command: ExplorationCommandId;
  column: string | null;
  /** The result as chat text (aligned for a monospaced block). */
  text: string;
  /** The result as JSON. */
  data: JsonValue;
  /** For `histogram`: the chart as PNG bytes (not JSON: send it as a photo, keep it out of the context). */
  png?: Uint8Array;
}

/**
 * Runs one data exploration command (`schema`, `head`, `summary`, `missing`,
 * `value_counts`, `histogram`) on a table and returns its text, its JSON, and for a
 * histogram a PNG chart.
 *
 * @example
 * ```ts
 * const { text, png } = exploreTable(table, { command: 'histogram', column: 'price' });
 * await reply(text);
 * if (png) await replyWithPhoto(png);
 * ```
 */
export function exploreTable(table: Table, options: ExploreTableOptions): ExploreTableResult {
  const { command } = options;
  const column = options.column ?? null;
  if (column !== null) requireColumns(table, [column]);
  const scoped = column === null ? table : table.select([column]);
  const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as JsonValue;
  switch (command) {
    case 'schema': {
      const result = schema(scoped);
      return { command, column, text: formatSchema(result), data: json(result) };
    }
    case 'head': {
      const result = head(scoped, options.rows ?? 5);
      return { command, column, text: formatHead(result), data: json(result) };
    }
    case 'summary': {
      const result = summary(scoped);
      return { command, column, text: formatSummary(result), data: json(result) };
    }
    case 'missing': {
      const result = missing(scoped);
      return { command, column, text: formatMissing(result), data: json(result) };
    }
    case 'value_counts': {
      const name = needColumn(command, column);
      const result = valueCounts(table, name, options.top ?? 10);
      return { command, column, text: formatValueCounts(result), data: json(result) };
    }
    case 'histogram': {
      const name = needColumn(command, column);
      const result = histogram(
        table,
        name,
        options.bins === undefined ? {} : { bins: options.bins },
      );
      return {
        command,
        column,
        text: formatHistogram(result),
        data: json(result),
        png: renderHistogramPng(result, { title: `Histogram of ${name}` }),
      };
    }
    default:
      throw new AnalyticsError(
        AnalyticsErrorCode.INVALID_ARGUMENT,
        `Unknown command "${String(command)}". Choose one of: schema, head, summary, missing, value_counts, histogram.`,
      );
  }
}

function needColumn(command: ExplorationCommandId, column: string | null): string {
  if (column === null) {
    throw new AnalyticsError(
      AnalyticsErrorCode.INVALID_ARGUMENT,
      `${command} needs a column: say which one.`,
    );
  }
  return column;
}
