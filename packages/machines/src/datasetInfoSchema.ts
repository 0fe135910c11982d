import { z } from 'zod';
import type { ColumnInfo, DatasetInfo } from './types.ts';

/** The longest id, file name or column name a data set may carry. */
const maxNameLength = 256;

/** The most columns a data set may have. */
const maxColumns = 10_000;

/** Validates a {@link ColumnInfo}. */
export const columnInfoSchema = z.object({
  name: z.string().min(1).max(maxNameLength),
  type: z.enum(['number', 'string', 'boolean', 'date']),
});

/**
 * Validates a {@link DatasetInfo}, the payload of every `data.uploaded` event: a
 * non-empty id and name, at most 10,000 columns with unique non-empty names of at most
 * 256 characters, and a whole, non-negative row count.
 */
export const datasetInfoSchema = z.object({
  id: z.string().min(1).max(maxNameLength),
  name: z.string().min(1).max(maxNameLength),
  columns: z
    .array(columnInfoSchema)
    .max(maxColumns)
    .refine((columns) => new Set(columns.map((column) => column.name)).size === columns.length, {
      message: 'Column names must be unique',
    }),
  rowCount: z.number().int().nonnegative(),
});

/**
 * Reads a {@link DatasetInfo} out of an untrusted value. Never throws.
 *
 * @param value - anything, typically an event's `dataset` field
 * @returns a fresh, plain copy holding only the known fields, or `undefined` when the
 * value is not a well-formed data set description
 */
export function parseDatasetInfo(value: unknown): DatasetInfo | undefined {
  try {
    const parsed = datasetInfoSchema.safeParse(value);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Finds a column of a data set by name, comparing the name as a string and never
 * looking anything up through an object's prototype.
 *
 * @param dataset - the data set, or `null` when none was uploaded yet
 * @param name - the requested column name, untrusted
 * @returns the column, or `undefined`
 */
export function findColumn(dataset: DatasetInfo | null, name: unknown): ColumnInfo | undefined {
  if (dataset === null || typeof name !== 'string') return undefined;
  return dataset.columns.find((column) => column.name === name);
}

/**
 * The names of a data set's columns, in order.
 *
 * @param dataset - the data set, or `null`
 * @param type - only the columns of this type, when given
 * @returns the names
 */
export function columnNames(dataset: DatasetInfo | null, type?: ColumnInfo['type']): string[] {
  if (dataset === null) return [];
  return dataset.columns
    .filter((column) => type === undefined || column.type === type)
    .map((column) => column.name);
}
