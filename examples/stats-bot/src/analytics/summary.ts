import type { ColumnType } from '@chatflow/machines';
import type { Table } from 'apache-arrow';
import { booleanLabels, columnValues, tableColumns } from './columnAccess.ts';
import { formatDate } from './formatCell.ts';
import { formatNumber } from './formatNumber.ts';
import { formatTable } from './formatTable.ts';

/** An overview of one column, by type. */
export interface ColumnSummary {
  column: string;
  type: ColumnType;
  /** Values present. */
  count: number;
  missing: number;
  /** Different values among those present. */
  distinct: number;
  /** Numbers: mean, minimum and maximum. Dates: minimum and maximum (epoch ms). */
  mean?: number;
  min?: number;
  max?: number;
  /** Text and booleans: the most frequent value and how often it appears. */
  top?: string;
  topCount?: number;
}

/** What {@link summary} returns. */
export interface SummaryResult {
  rowCount: number;
  columns: ColumnSummary[];
}

/**
 * An overview of every column: type, values present and missing, distinct values, and
 * by type the mean and range (numbers), the range (dates) or the most frequent value
 * (text, booleans).
 *
 * @example
 * ```ts
 * await reply(formatSummary(summary(table)));
 * ```
 */
export function summary(table: Table): SummaryResult {
  return {
    rowCount: table.numRows,
    columns: tableColumns(table).map(({ name, type }) => {
      const values = columnValues(table, name);
      const present = values.filter((value) => value !== null);
      const base: ColumnSummary = {
        column: name,
        type,
        count: present.length,
        missing: values.length - present.length,
        distinct: new Set(present).size,
      };
      if (present.length === 0) return base;
      if (type === 'number' || type === 'date') {
        const numbers = present as number[];
        let low = Number.POSITIVE_INFINITY;
        let high = Number.NEGATIVE_INFINITY;
        let sum = 0;
        for (const value of numbers) {
          low = Math.min(low, value);
          high = Math.max(high, value);
          sum += value;
        }
        return type === 'number'
          ? { ...base, mean: sum / numbers.length, min: low, max: high }
          : { ...base, min: low, max: high };
      }
      const words = type === 'boolean' ? booleanLabels(table, name) : undefined;
      const counts = new Map<string, number>();
      for (const value of present) {
        const key = words !== undefined ? (value ? words.true : words.false) : String(value);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      const [top, topCount] = [...counts.entries()].sort(
        ([a, ca], [b, cb]) => cb - ca || a.localeCompare(b),
      )[0] ?? ['', 0];
      return { ...base, top, topCount };
    }),
  };
}

/** A {@link SummaryResult} as chat text: one line per column. */
export function formatSummary(result: SummaryResult): string {
  const rows = result.columns.map((column) => [
    column.column,
    column.type,
    String(column.count),
    String(column.missing),
    String(column.distinct),
    describeValues(column),
  ]);
  return [
    `Summary of ${result.rowCount} row${result.rowCount === 1 ? '' : 's'}:`,
    '',
    formatTable(['column', 'type', 'present', 'missing', 'distinct', 'values'], rows, {
      maxCellWidth: 40,
    }),
  ].join('\n');
}

function describeValues(column: ColumnSummary): string {
  if (column.count === 0) return 'no values';
  if (column.type === 'number') {
    return `mean ${formatNumber(column.mean)}, ${formatNumber(column.min)} to ${formatNumber(column.max)}`;
  }
  if (column.type === 'date' && column.min !== undefined && column.max !== undefined) {
    return `${formatDate(column.min)} to ${formatDate(column.max)}`;
  }
  return `most often ${column.top} (${column.topCount})`;
}
