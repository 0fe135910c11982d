import { DataType, type Table } from 'apache-arrow';
import { booleanLabels, type CellValue, columnValues } from './columnAccess.ts';
import { formatNumber } from './formatNumber.ts';

/**
 * One table cell as text for chat: numbers rounded ({@link formatNumber}), dates as
 * `YYYY-MM-DD` (with the time when there is one, in UTC), booleans as true/false, a
 * missing value as `—`. Pass the column's Arrow type so dates are recognised, and a
 * boolean column's words (yes/no) to use them.
 *
 * @example
 * ```ts
 * formatCell(1709251200000, new TimestampMillisecond()); // '2024-03-01'
 * ```
 */
export function formatCell(
  value: CellValue,
  type?: DataType,
  labels?: { true: string; false: string },
): string {
  if (value === null) return '—';
  if (typeof value === 'boolean' && labels !== undefined) return value ? labels.true : labels.false;
  if (typeof value === 'number') {
    if (type !== undefined && (DataType.isDate(type) || DataType.isTimestamp(type))) {
      return formatDate(value);
    }
    return formatNumber(value);
  }
  return String(value);
}

/** Epoch milliseconds as `YYYY-MM-DD`, or `YYYY-MM-DD HH:MM` when there is a time of day. */
export function formatDate(ms: number): string {
  const iso = new Date(ms).toISOString();
  return ms % 86_400_000 === 0 ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/**
 * The cells of one column as chat text ({@link formatCell}), with the column's type and
 * yes/no words, for the first `limit` rows.
 */
export function formatColumnCells(table: Table, name: string, limit = table.numRows): string[] {
  const type = table.schema.fields.find((field) => field.name === name)?.type;
  const labels = booleanLabels(table, name);
  return columnValues(table, name)
    .slice(0, limit)
    .map((value) => formatCell(value, type, labels));
}
