import type { ColumnInfo, ColumnType } from '@chatflow/machines';
import { DataType, type Table } from 'apache-arrow';
import { AnalyticsError, AnalyticsErrorCode } from './AnalyticsError.ts';

/**
 * Arrow field metadata key under which ingest records the words of a boolean column
 * written as yes/no: `{"true":"yes","false":"no"}`.
 */
export const booleanLabelsKey = 'stats_bot.boolean_labels';

/** A cell read back from a table: dates are epoch milliseconds. */
export type CellValue = number | string | boolean | null;

/** The chatflow column type of an Arrow data type. */
export function columnTypeOf(type: DataType): ColumnType {
  if (DataType.isFloat(type) || DataType.isInt(type) || DataType.isDecimal(type)) return 'number';
  if (DataType.isBool(type)) return 'boolean';
  if (DataType.isDate(type) || DataType.isTimestamp(type)) return 'date';
  if (DataType.isDictionary(type)) return columnTypeOf(type.dictionary);
  return 'string';
}

/**
 * The name and chatflow type of each column of a table, in order: what a
 * `DatasetInfo` lists.
 *
 * @example
 * ```ts
 * tableColumns(table); // [{ name: 'area', type: 'number' }, { name: 'city', type: 'string' }]
 * ```
 */
export function tableColumns(table: Table): ColumnInfo[] {
  return table.schema.fields.map((field) => ({ name: field.name, type: columnTypeOf(field.type) }));
}

/**
 * Throws a `MISSING_COLUMNS` {@link AnalyticsError} naming the columns that are not in
 * the table, and the ones that are.
 */
export function requireColumns(table: Table, names: readonly string[]): void {
  const present = new Set(table.schema.fields.map((field) => field.name));
  const missing = names.filter((name) => !present.has(name));
  if (missing.length === 0) return;
  const list = missing.map((name) => `"${name}"`).join(', ');
  throw new AnalyticsError(
    AnalyticsErrorCode.MISSING_COLUMNS,
    `The data has no column${missing.length === 1 ? '' : 's'} ${list}. Its columns are: ${[...present].join(', ')}.`,
  );
}

/** The chatflow type of one column; the column must exist. */
export function columnType(table: Table, name: string): ColumnType {
  requireColumns(table, [name]);
  const field = table.schema.fields.find((f) => f.name === name);
  return field === undefined ? 'string' : columnTypeOf(field.type);
}

/**
 * The values of one column as plain JavaScript values (numbers, text, booleans, dates as
 * epoch milliseconds, `null` for missing), one per row.
 */
export function columnValues(table: Table, name: string): CellValue[] {
  requireColumns(table, [name]);
  const vector = table.getChild(name);
  const values: CellValue[] = [];
  if (vector === null) return values;
  for (let i = 0; i < vector.length; i += 1) values.push(toCellValue(vector.get(i)));
  return values;
}

function toCellValue(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
    return typeof value === 'number' && Number.isNaN(value) ? null : value;
  }
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.getTime();
  return String(value);
}

/**
 * The values of a numeric column (`null` for missing). Throws a `WRONG_COLUMN_TYPE`
 * {@link AnalyticsError} for a column that is not numeric.
 */
export function numericValues(table: Table, name: string): (number | null)[] {
  const type = columnType(table, name);
  if (type !== 'number') {
    throw new AnalyticsError(
      AnalyticsErrorCode.WRONG_COLUMN_TYPE,
      `Column "${name}" holds ${typeNoun(type)}, not numbers; this needs a numeric column.`,
    );
  }
  return columnValues(table, name).map((value) => (typeof value === 'number' ? value : null));
}

/** The present (non-missing) values of a numeric column. */
export function presentNumbers(table: Table, name: string): number[] {
  return numericValues(table, name).filter((value): value is number => value !== null);
}

/** How a type is named in messages. */
export function typeNoun(type: ColumnType): string {
  switch (type) {
    case 'number':
      return 'numbers';
    case 'boolean':
      return 'yes/no values';
    case 'date':
      return 'dates';
    case 'string':
      return 'text';
  }
}

/**
 * The words a boolean column uses for true and false: those recorded at ingest
 * (`yes`/`no`), else `true`/`false`.
 */
export function booleanLabels(table: Table, name: string): { true: string; false: string } {
  const field = table.schema.fields.find((f) => f.name === name);
  const raw = field?.metadata.get(booleanLabelsKey);
  if (raw !== undefined) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (
        typeof parsed === 'object' &&
        parsed !== null &&
        'true' in parsed &&
        'false' in parsed &&
        typeof parsed.true === 'string' &&
        typeof parsed.false === 'string'
      ) {
        return { true: parsed.true, false: parsed.false };
      }
    } catch {
      // Unreadable metadata: fall back to the plain words.
    }
  }
  return { true: 'true', false: 'false' };
}
