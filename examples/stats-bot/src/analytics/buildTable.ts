import type { ColumnInfo } from '@chatflow/machines';
import {
  Bool,
  type DataType,
  Field,
  Float64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMillisecond,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { AnalyticsErrorCode } from './AnalyticsError.ts';
import { booleanLabelsKey } from './columnAccess.ts';
import { IngestError } from './IngestError.ts';
import { cellText, type InferredColumn, inferColumn } from './inferColumn.ts';
import { isMissing, parseNumber, type RawCell } from './parseCell.ts';
import type { IngestResult } from './types.ts';

/** Options of {@link buildTable}. */
export interface BuildTableOptions {
  /** The name the data was uploaded under, used in messages. */
  name: string;
  /**
   * Accept a comma as the decimal point in numbers.
   * @default false
   */
  decimalComma?: boolean;
}

/**
 * Turns rows of raw cells (from a CSV or a spreadsheet) into a typed Arrow table: drops
 * blank rows, detects a header row (a first row of non-numeric text over typed columns,
 * or over text columns where none of its values repeats below), names the columns
 * (trimmed, empty names generated as `column_<n>`, duplicates suffixed `_2`, `_3`), and
 * infers each column's type with {@link inferColumn}.
 *
 * @example
 * ```ts
 * const { table, columns } = buildTable([['city', 'price'], ['Lyon', 210000]], { name: 'x' });
 * // columns: [{ name: 'city', type: 'string' }, { name: 'price', type: 'number' }]
 * ```
 */
export function buildTable(rows: readonly RawCell[][], options: BuildTableOptions): IngestResult {
  const fileName = options.name;
  const inferOptions = { decimalComma: options.decimalComma === true };
  const kept = rows
    .map((row) => trimTrailingBlanks(row))
    .filter((row) => row.some((cell) => !isBlank(cell)));
  if (kept.length === 0) {
    throw new IngestError(
      AnalyticsErrorCode.EMPTY_FILE,
      `"${fileName}" has no data: every row is empty. Please send a CSV or Excel file with a header row and at least one row of values.`,
      { fileName },
    );
  }
  const width = Math.max(...kept.map((row) => row.length));
  if (width < 2) {
    throw new IngestError(
      AnalyticsErrorCode.SINGLE_COLUMN,
      `"${fileName}" has a single column; the analyses need at least two columns. If the file has more, its separator may be unusual: comma, semicolon, tab and pipe are accepted.`,
      { fileName },
    );
  }
  const padded = kept.map((row) =>
    row.length < width ? [...row, ...new Array<RawCell>(width - row.length).fill(null)] : row,
  );

  const first = padded[0] ?? [];
  const body = padded.slice(1);
  const bodyColumns = columnsOf(body, width).map((cells, j) =>
    inferColumn(`column_${j + 1}`, cells, inferOptions),
  );
  const hasHeader = looksLikeHeader(first, body, bodyColumns, inferOptions);
  if (hasHeader && body.length === 0) {
    throw new IngestError(
      AnalyticsErrorCode.NO_DATA_ROWS,
      `"${fileName}" has a header row (${first.map(cellText).join(', ')}) but no rows of data. Please send the file with its data.`,
      { fileName },
    );
  }

  const warnings: string[] = [];
  const names = columnNames(hasHeader ? first : undefined, width, warnings);
  const dataRows = hasHeader ? body : padded;
  let inferred: InferredColumn[] = columnsOf(dataRows, width).map((cells, j) =>
    inferColumn(names[j] ?? `column_${j + 1}`, cells, inferOptions),
  );
  if (!hasHeader) {
    warnings.unshift(
      `No header row found; the columns are named ${names[0]} to ${names[width - 1]}.`,
    );
  }

  // An empty column with no name (a trailing separator on every line) is dropped.
  const keep = inferred.map(
    (column, j) => !(hasHeader && isBlank(first[j]) && column.values.every((v) => v === null)),
  );
  const keptNames = names.filter((_, j) => keep[j]);
  inferred = inferred.filter((_, j) => keep[j]);
  if (keptNames.length < 2) {
    throw new IngestError(
      AnalyticsErrorCode.SINGLE_COLUMN,
      `"${fileName}" has a single column with data; the analyses need at least two columns.`,
      { fileName },
    );
  }
  for (const column of inferred) warnings.push(...column.warnings);

  const table = toArrowTable(keptNames, inferred);
  const columns: ColumnInfo[] = keptNames.map((name, j) => ({
    name,
    type: inferred[j]?.type ?? 'string',
  }));
  return { name: fileName, table, columns, rowCount: table.numRows, warnings };
}

function isBlank(cell: RawCell): boolean {
  return cell === null || cell === undefined || (typeof cell === 'string' && cell.trim() === '');
}

function trimTrailingBlanks(row: readonly RawCell[]): RawCell[] {
  let end = row.length;
  while (end > 0 && isBlank(row[end - 1])) end -= 1;
  return row.slice(0, end);
}

function columnsOf(rows: readonly RawCell[][], width: number): RawCell[][] {
  return Array.from({ length: width }, (_, j) => rows.map((row) => row[j] ?? null));
}

function looksLikeHeader(
  first: readonly RawCell[],
  body: readonly RawCell[][],
  bodyColumns: readonly InferredColumn[],
  options: { decimalComma: boolean },
): boolean {
  const textual = first.every(
    (cell) =>
      isBlank(cell) ||
      (typeof cell === 'string' && !isMissing(cell) && parseNumber(cell, options) === undefined),
  );
  if (!textual || first.every(isBlank)) return false;
  if (body.length === 0) return true;
  // A text cell over a column of numbers, booleans or dates is a name.
  if (bodyColumns.some((column, j) => column.type !== 'string' && !isBlank(first[j]))) {
    const typedFit = bodyColumns.every((column, j) => {
      const cell = first[j];
      if (column.type === 'string' || isBlank(cell)) return true;
      return inferColumn('', [cell], options).type === column.type;
    });
    if (!typedFit) return true;
  }
  // Over text columns only: a header's values do not repeat in their columns.
  return first.every((cell, j) => {
    if (isBlank(cell)) return true;
    const text = cellText(cell);
    return !body.some((row) => {
      const other = row[j];
      return !isBlank(other) && cellText(other) === text;
    });
  });
}

/**
 * The column names of a table `width` columns wide: the header's cells trimmed with
 * runs of spaces made one, `column_<n>` for empty ones, `_2`, `_3` … after repeated ones
 * (avoiding names written in the file). Each generated or changed name adds a warning.
 */
export function columnNames(
  header: readonly RawCell[] | undefined,
  width: number,
  warnings: string[],
): string[] {
  const given = Array.from({ length: width }, (_, j) => {
    const cell = header?.[j];
    return cell === undefined || isBlank(cell) ? '' : cellText(cell).replace(/\s+/g, ' ');
  });
  // Names written in the file keep their spelling; suffixes and generated names avoid them.
  const reserved = new Set(given.filter((name) => name !== ''));
  const used = new Set<string>();
  const free = (name: string) => !used.has(name) && !reserved.has(name);
  return given.map((raw, j) => {
    let name = raw;
    if (raw === '') {
      name = `column_${j + 1}`;
      while (!free(name)) name = `${name}_`;
      if (header !== undefined)
        warnings.push(`Column ${j + 1} has no name; it is called "${name}".`);
    } else if (used.has(raw)) {
      let k = 2;
      while (!free(`${raw}_${k}`)) k += 1;
      name = `${raw}_${k}`;
      warnings.push(`Column name "${raw}" appears more than once; renamed to "${name}".`);
    }
    used.add(name);
    return name;
  });
}

function toArrowTable(names: readonly string[], columns: readonly InferredColumn[]): Table {
  const fields: Field[] = [];
  const children = columns.map((column, j) => {
    const type = arrowTypeOf(column.type);
    const metadata = new Map<string, string>();
    if (column.booleanLabels !== undefined) {
      metadata.set(booleanLabelsKey, JSON.stringify(column.booleanLabels));
    }
    fields.push(new Field(names[j] ?? `column_${j + 1}`, type, true, metadata));
    const vector = vectorFromArray(column.values as never[], type);
    const [data] = vector.data;
    if (data === undefined || vector.data.length !== 1) {
      throw new Error(`Unexpected Arrow layout for column ${names[j]}`);
    }
    return data;
  });
  const length = columns[0]?.values.length ?? 0;
  const schema = new Schema(fields);
  const data = makeData({ type: new Struct(fields), length, nullCount: 0, children });
  return new Table([new RecordBatch(schema, data)]);
}

function arrowTypeOf(type: InferredColumn['type']): DataType {
  switch (type) {
    case 'number':
      return new Float64();
    case 'boolean':
      return new Bool();
    case 'date':
      return new TimestampMillisecond();
    case 'string':
      return new Utf8();
  }
}
