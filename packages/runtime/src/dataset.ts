import type { ColumnType, DatasetInfo } from '@chatflow/machines';
import {
  DataType,
  type Field,
  MessageReader,
  type Table,
  tableFromIPC,
  tableToIPC,
} from 'apache-arrow';

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

/**
 * Byte arrays the runtime serialized itself and handed to a store without keeping or
 * sharing them. See {@link ownedBytes}.
 */
const handedOver = new WeakSet<Uint8Array>();

/**
 * Serializes a table to Arrow IPC (stream format) bytes. The bytes are new (apache-arrow
 * writes the stream's messages once into one buffer of its exact size) and no one else
 * holds them, so a store may keep them as they are: see {@link ownedBytes}.
 */
export function tableToBytes(table: Table): Uint8Array {
  const bytes = tableToIPC(table, 'stream');
  handedOver.add(bytes);
  return bytes;
}

/**
 * Whether `bytes` were made by {@link tableToBytes}: bytes the runtime owns and gives
 * away, so a store may keep them instead of copying them. Any other bytes (a caller's,
 * or bytes a store handed out) must be copied by a store that keeps them in memory, so
 * that a later change to them does not change what is stored.
 *
 * @example
 * ```ts
 * blobs.set(key, ownedBytes(bytes) ? bytes : bytes.slice());
 * ```
 */
export function ownedBytes(bytes: Uint8Array): boolean {
  return handedOver.has(bytes);
}

const continuation = 0xffffffff;
const fileMagic = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // ARROW1

/** The Arrow IPC format the bytes start (and, for a file, end) like, if any. */
function ipcFormatOf(bytes: Uint8Array): 'stream' | 'file' | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength >= 8 && view.getUint32(0, true) === continuation) return 'stream';
  const end = bytes.byteLength - fileMagic.length;
  if (
    bytes.byteLength >= 2 * fileMagic.length + 4 &&
    fileMagic.every((byte, i) => bytes[i] === byte && bytes[end + i] === byte)
  ) {
    return 'file';
  }
  return undefined;
}

/** Why bytes cannot be read back as a table (see {@link tableFromBytes}). */
export class UnreadableDataError extends Error {
  override name = 'UnreadableDataError';
}

/**
 * Reads a table back from Arrow IPC bytes, in the stream or the file format. Bytes that
 * are not Arrow IPC throw an {@link UnreadableDataError} saying why: apache-arrow itself
 * reads many such byte strings (random ones, zeros, nothing) as a table of no columns.
 */
export function tableFromBytes(bytes: Uint8Array): Table {
  const format = ipcFormatOf(bytes);
  if (format === undefined) {
    throw new UnreadableDataError(
      "the bytes are not Arrow IPC (they start with neither the stream format's continuation marker nor the file format's ARROW1 magic)",
    );
  }
  try {
    if (format === 'stream') {
      const schema = new MessageReader(bytes).readSchema();
      if (schema === null || schema === undefined) throw new Error('no schema message');
    }
    return tableFromIPC(bytes);
  } catch (cause) {
    throw new UnreadableDataError(
      `the Arrow IPC ${format} does not parse (${(cause instanceof Error ? cause.message : String(cause)).slice(0, 200)})`,
      { cause },
    );
  }
}
