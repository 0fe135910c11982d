import type { ColumnType, DatasetInfo } from '@chatflow/machines';
import { DataType, type Field, type Table, tableFromIPC, tableToIPC } from 'apache-arrow';

/** The column type chatflow shows for an Arrow data type. */
export function columnTypeOf(type: DataType): ColumnType {
  if (DataType.isDictionary(type)) return columnTypeOf(type.dictionary);
  if (DataType.isInt(type) || DataType.isFloat(type) || DataType.isDecimal(type)) return 'number';
  if (DataType.isBool(type)) return 'boolean';
  if (DataType.isDate(type) || DataType.isTimestamp(type)) return 'date';
  return 'string';
}

/**
 * Describes an Arrow table as the machines see it: a new UUID, the name, each column's
 * name and type (number, string, boolean, date), the row count. The rows stay out.
 *
 * @example
 * ```ts
 * datasetInfoOf(tableFromArrays({ price: Float64Array.from([1, 2]) }), 'houses.csv');
 * // { id: '…', name: 'houses.csv', columns: [{ name: 'price', type: 'number' }], rowCount: 2 }
 * ```
 */
export function datasetInfoOf(table: Table, name: string): DatasetInfo {
  return {
    id: crypto.randomUUID(),
    name,
    columns: table.schema.fields.map((field: Field) => ({
      name: field.name,
      type: columnTypeOf(field.type),
    })),
    rowCount: table.numRows,
  };
}

/** True when a value looks like an Arrow table (of any copy of apache-arrow). */
export function isArrowTable(value: unknown): value is Table {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<Table>).numRows === 'number' &&
    typeof (value as Partial<Table>).schema === 'object' &&
    Array.isArray((value as Partial<Table>).batches)
  );
}

/** Serializes a table to Arrow IPC (stream format) bytes. */
export function tableToBytes(table: Table): Uint8Array {
  return tableToIPC(table, 'stream');
}

/** Reads a table back from Arrow IPC bytes. */
export function tableFromBytes(bytes: Uint8Array): Table {
  return tableFromIPC(bytes);
}
