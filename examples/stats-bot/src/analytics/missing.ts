import type { Table } from 'apache-arrow';
import { formatPercent } from './formatNumber.ts';
import { formatTable } from './formatTable.ts';

/** Missing values of one column. */
export interface ColumnMissing {
  column: string;
  missing: number;
  /** Share of the rows, 0 to 1. */
  share: number;
}

/** What {@link missing} returns. */
export interface MissingResult {
  rowCount: number;
  /** Rows with a value in every column. */
  completeRows: number;
  columns: ColumnMissing[];
}

/**
 * Missing values per column, and how many rows are complete.
 *
 * @example
 * ```ts
 * await reply(formatMissing(missing(table)));
 * ```
 */
export function missing(table: Table): MissingResult {
  const incomplete = new Set<number>();
  const columns = table.schema.fields.map((field) => {
    const vector = table.getChild(field.name);
    let count = 0;
    if (vector !== null && vector.nullCount > 0) {
      for (let row = 0; row < vector.length; row += 1) {
        const value: unknown = vector.get(row);
        if (
          value === null ||
          value === undefined ||
          (typeof value === 'number' && Number.isNaN(value))
        ) {
          count += 1;
          incomplete.add(row);
        }
      }
    }
    return {
      column: field.name,
      missing: count,
      share: table.numRows === 0 ? 0 : count / table.numRows,
    };
  });
  return { rowCount: table.numRows, completeRows: table.numRows - incomplete.size, columns };
}

/**
 * A {@link MissingResult} as chat text: the columns with missing values, most first, and
 * the complete rows.
 */
export function formatMissing(result: MissingResult): string {
  const withMissing = result.columns
    .filter((column) => column.missing > 0)
    .sort((a, b) => b.missing - a.missing);
  if (withMissing.length === 0) {
    return `No missing values: all ${result.rowCount} rows are complete.`;
  }
  return [
    `${result.completeRows} of ${result.rowCount} rows are complete. Missing values by column:`,
    '',
    formatTable(
      ['column', 'missing', 'share'],
      withMissing.map((column) => [
        column.column,
        String(column.missing),
        formatPercent(column.share),
      ]),
    ),
    result.columns.length > withMissing.length
      ? `\nThe other ${result.columns.length - withMissing.length} column${result.columns.length - withMissing.length === 1 ? ' has' : 's have'} no missing values.`
      : '',
  ]
    .join('\n')
    .trimEnd();
}
