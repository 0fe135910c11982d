import { DataType, type Table } from 'apache-arrow';
import { booleanLabels, columnValues } from './columnAccess.ts';
import { formatDate } from './formatCell.ts';
import { formatNumber } from './formatNumber.ts';
import { formatTable } from './formatTable.ts';

/** What {@link head} returns. */
export interface HeadResult {
  columns: string[];
  /** The first rows: numbers, text, yes/no words or booleans, dates as ISO strings, nulls. */
  rows: (number | string | boolean | null)[][];
  /** Rows in the whole table. */
  rowCount: number;
}

/**
 * The first `n` rows of a table, as JSON-friendly values.
 *
 * @example
 * ```ts
 * await reply(formatHead(head(table, 5)));
 * ```
 */
export function head(table: Table, n = 5): HeadResult {
  const count = Math.max(0, Math.min(Math.floor(n), table.numRows));
  const columns = table.schema.fields.map((field) => field.name);
  const values = table.schema.fields.map((field) => {
    const cells = columnValues(table, field.name).slice(0, count);
    if (DataType.isDate(field.type) || DataType.isTimestamp(field.type)) {
      return cells.map((cell) => (typeof cell === 'number' ? new Date(cell).toISOString() : cell));
    }
    if (DataType.isBool(field.type)) {
      const words = booleanLabels(table, field.name);
      if (words.true !== 'true') {
        return cells.map((cell) => (typeof cell === 'boolean' ? words[`${cell}`] : cell));
      }
    }
    return cells;
  });
  const rows = Array.from({ length: count }, (_, i) => values.map((column) => column[i] ?? null));
  return { columns, rows, rowCount: table.numRows };
}

/** A {@link HeadResult} as chat text: an aligned table of the rows. */
export function formatHead(result: HeadResult): string {
  const count = result.rows.length;
  const title = `First ${count} of ${result.rowCount} row${result.rowCount === 1 ? '' : 's'}:`;
  const rows = result.rows.map((row) => row.map(display));
  return [title, '', formatTable(result.columns, rows, { maxCellWidth: 16 })].join('\n');
}

const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function display(value: number | string | boolean | null): string {
  if (value === null) return '—';
  if (typeof value === 'number') return formatNumber(value, { digits: 6 });
  if (typeof value === 'string' && isoInstant.test(value)) return formatDate(Date.parse(value));
  return String(value);
}
