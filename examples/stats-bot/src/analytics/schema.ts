import type { ColumnInfo } from '@chatflow/machines';
import type { Table } from 'apache-arrow';
import { tableColumns } from './columnAccess.ts';
import { formatTable } from './formatTable.ts';

/** What {@link schema} returns. */
export interface SchemaResult {
  rowCount: number;
  columns: ColumnInfo[];
}

/**
 * The shape of a table: its row count and each column's name and type.
 *
 * @example
 * ```ts
 * await reply(formatSchema(schema(table)));
 * ```
 */
export function schema(table: Table): SchemaResult {
  return { rowCount: table.numRows, columns: tableColumns(table) };
}

/** A {@link SchemaResult} as chat text: the size, then one line per column. */
export function formatSchema(result: SchemaResult): string {
  return [
    `${result.rowCount} row${result.rowCount === 1 ? '' : 's'}, ${result.columns.length} column${result.columns.length === 1 ? '' : 's'}:`,
    '',
    formatTable(
      ['column', 'type'],
      result.columns.map((column) => [column.name, column.type]),
      { maxCellWidth: 40 },
    ),
  ].join('\n');
}
