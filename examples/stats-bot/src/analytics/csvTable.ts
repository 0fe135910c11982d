import type { ColumnInfo, ColumnType } from '@chatflow/machines';
import {
  Bool,
  type Data,
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
import { columnNames } from './buildTable.ts';
import { booleanLabelsKey } from './columnAccess.ts';
import { IngestError } from './IngestError.ts';
import { inferColumn, minimumForTolerance, toleratedShare } from './inferColumn.ts';
import { parseBoolean, parseDate } from './parseCell.ts';
import { type CsvCells, isMissingText, missingInRange, numberOfText } from './parseCsv.ts';
import type { IngestResult } from './types.ts';

/** Options of {@link csvTable}. */
export interface CsvTableOptions {
  /** The name the data was uploaded under, used in messages. */
  name: string;
  /** Read `3,5` as a number (when the separator is a semicolon). */
  decimalComma: boolean;
}

/** One column's type over a range of rows, and what is needed to build its values. */
interface ColumnGuess {
  type: ColumnType;
  /** No value at all: kept as an empty text column, with a warning. */
  empty: boolean;
  /** Values set aside as missing (in a column of numbers or dates), for the warning. */
  odd: number;
  examples: readonly string[];
  noun: 'numbers' | 'dates';
  booleanLabels?: { true: string; false: string };
  /** Booleans, dates (epoch ms) or texts, one per row of the range; numbers stay in the cells. */
  values?: (boolean | number | string | null)[];
}

/**
 * Turns the cells of {@link parseCsv} into the typed Arrow table `ingestCsv` returns, with
 * the same rules as `buildTable` (which reads spreadsheets): blank trailing columns
 * dropped, a header row detected (a first row of non-numeric text over typed columns,
 * or over text columns where none of its values repeats below), names trimmed,
 * generated and de-duplicated, each column typed as in `inferColumn` (number, then
 * boolean, then date, else text; up to 5% odd values in a long column of numbers or dates
 * become missing with a warning), an unnamed empty column dropped. Numbers go from the
 * cells into Float64 columns directly; only the other columns are read as text.
 *
 * @example
 * ```ts
 * const cells = parseCsv(text, { delimiter: ',', decimalComma: false });
 * const { table, columns, warnings } = csvTable(cells, { name: 'houses.csv', decimalComma: false });
 * ```
 */
export function csvTable(cells: CsvCells, options: CsvTableOptions): IngestResult {
  const fileName = options.name;
  const decimalComma = options.decimalComma;
  const { rows, width: stride, extents, numbers, specials, text, codes } = cells;
  if (rows === 0) {
    throw new IngestError(
      AnalyticsErrorCode.EMPTY_FILE,
      `"${fileName}" has no data: every row is empty. Please send a CSV or Excel file with a header row and at least one row of values.`,
      { fileName },
    );
  }
  let width = 0;
  for (let j = 0; j < stride; j += 1) if (cells.filled[j] === 1) width = j + 1;
  if (width < 2) {
    throw new IngestError(
      AnalyticsErrorCode.SINGLE_COLUMN,
      `"${fileName}" has a single column; the analyses need at least two columns. If the file has more, its separator may be unusual: comma, semicolon, tab and pipe are accepted.`,
      { fileName },
    );
  }

  const textOf = (k: number): string => {
    const start = extents[2 * k] as number;
    return start < 0
      ? (specials[-start - 1] as string)
      : text.slice(start, extents[2 * k + 1] as number);
  };
  const first = Array.from({ length: width }, (_, j) => textOf(j));

  /** The type of column `j` over the rows from `from` (0: all, 1: below the first). */
  const guess = (j: number, from: 0 | 1): ColumnGuess => {
    let parsed = cells.parsed[j] as number;
    let odd = cells.odd[j] as number;
    let examples: readonly string[] = cells.oddExamples[j] ?? [];
    if (from === 0) {
      const cell = first[j] as string;
      const value = numberOfText(cell, decimalComma);
      numbers[j] = value;
      if (!Number.isNaN(value)) parsed += 1;
      else if (!isMissingText(cell)) {
        odd += 1;
        examples = [...new Set([cell, ...examples])].slice(0, 3);
      }
    }
    const base = { empty: false, odd: 0, examples: [], noun: 'numbers' } as const;
    if (parsed + odd === 0) return { ...base, type: 'string', empty: true, values: [] };
    if (odd === 0) return { ...base, type: 'number' };
    if (parsed >= minimumForTolerance && odd <= toleratedShare * (parsed + odd)) {
      return { ...base, type: 'number', odd, examples };
    }
    // Not numbers: read the column's cells as text.
    const count = rows - from;
    const texts: (string | null)[] = new Array(count);
    let booleans: (boolean | null)[] | undefined = new Array(count);
    let yesNo = true;
    for (let r = from; r < rows; r += 1) {
      const k = r * stride + j;
      const start = extents[2 * k] as number;
      const missing =
        start < 0
          ? isMissingText(specials[-start - 1] as string)
          : missingInRange(codes, start, extents[2 * k + 1] as number);
      if (missing) {
        texts[r - from] = null;
        if (booleans !== undefined) booleans[r - from] = null;
        continue;
      }
      const cell = textOf(k);
      texts[r - from] = cell;
      if (booleans !== undefined) {
        const value = parseBoolean(cell);
        if (value === undefined) booleans = undefined;
        else {
          booleans[r - from] = value;
          if (yesNo) {
            const word = cell.toLowerCase();
            yesNo = word === 'yes' || word === 'no';
          }
        }
      }
    }
    if (booleans !== undefined) {
      return yesNo
        ? {
            ...base,
            type: 'boolean',
            values: booleans,
            booleanLabels: { true: 'yes', false: 'no' },
          }
        : { ...base, type: 'boolean', values: booleans };
    }
    // Dates, unless more odd values than tolerated show up (then text).
    const mostOdd = toleratedShare * (parsed + odd);
    const dates: (number | null)[] = new Array(count);
    const oddDates: string[] = [];
    let parsedDates = 0;
    let oddDateCount = 0;
    for (let i = 0; i < count; i += 1) {
      const cell = texts[i];
      if (cell === null || cell === undefined) {
        dates[i] = null;
        continue;
      }
      const date = parseDate(cell);
      if (date === undefined) {
        oddDateCount += 1;
        if (oddDateCount > mostOdd) break;
        if (oddDates.length < 3 && !oddDates.includes(cell)) oddDates.push(cell);
        dates[i] = null;
      } else {
        parsedDates += 1;
        dates[i] = date;
      }
    }
    if (
      oddDateCount === 0 ||
      (oddDateCount <= mostOdd &&
        parsedDates >= minimumForTolerance &&
        oddDateCount <= toleratedShare * (parsedDates + oddDateCount))
    ) {
      return {
        ...base,
        type: 'date',
        values: dates,
        odd: oddDateCount,
        examples: oddDates,
        noun: 'dates',
      };
    }
    return { ...base, type: 'string', values: texts };
  };

  const body = Array.from({ length: width }, (_, j) => guess(j, 1));
  const hasHeader = looksLikeHeader(
    first,
    body,
    rows,
    (j, value) => {
      for (let r = 1; r < rows; r += 1) {
        const k = r * stride + j;
        const start = extents[2 * k] as number;
        if (start < 0) {
          if (specials[-start - 1] === value) return true;
        } else if ((extents[2 * k + 1] as number) - start === value.length) {
          if (text.startsWith(value, start)) return true;
        }
      }
      return false;
    },
    decimalComma,
  );
  if (hasHeader && rows === 1) {
    throw new IngestError(
      AnalyticsErrorCode.NO_DATA_ROWS,
      `"${fileName}" has a header row (${first.join(', ')}) but no rows of data. Please send the file with its data.`,
      { fileName },
    );
  }

  const warnings: string[] = [];
  const names = columnNames(hasHeader ? first : undefined, width, warnings);
  const from = hasHeader ? 1 : 0;
  const columns = hasHeader ? body : Array.from({ length: width }, (_, j) => guess(j, 0));
  if (!hasHeader) {
    warnings.unshift(
      `No header row found; the columns are named ${names[0]} to ${names[width - 1]}.`,
    );
  }

  // An empty column with no name (a trailing separator on every line) is dropped.
  const kept: number[] = [];
  for (let j = 0; j < width; j += 1) {
    if (!(hasHeader && first[j] === '' && (columns[j] as ColumnGuess).empty)) kept.push(j);
  }
  if (kept.length < 2) {
    throw new IngestError(
      AnalyticsErrorCode.SINGLE_COLUMN,
      `"${fileName}" has a single column with data; the analyses need at least two columns.`,
      { fileName },
    );
  }
  for (const j of kept) {
    const column = columns[j] as ColumnGuess;
    const name = names[j] as string;
    if (column.empty) {
      warnings.push(`Column "${name}" has no values; it is kept as an empty text column.`);
    } else if (column.odd > 0) {
      const count = column.odd;
      const is = count === 1 ? 'is' : 'are';
      const examples = column.examples.map((cell) => `"${cell}"`).join(', ');
      warnings.push(
        `Column "${name}": ${count} value${count === 1 ? '' : 's'} that ${is} not ${column.noun} (${examples}) ${is} treated as missing.`,
      );
    }
  }

  const length = rows - from;
  // Every text is one byte a character in UTF-8 when the whole file is.
  const ascii = Buffer.byteLength(text, 'utf8') === text.length;
  const fields: Field[] = [];
  const children: Data[] = [];
  const infos: ColumnInfo[] = [];
  for (const j of kept) {
    const column = columns[j] as ColumnGuess;
    const name = names[j] as string;
    const metadata = new Map<string, string>();
    if (column.booleanLabels !== undefined) {
      metadata.set(booleanLabelsKey, JSON.stringify(column.booleanLabels));
    }
    let data: Data;
    if (column.type === 'number') {
      data = float64Data(numbers, from * stride + j, stride, length);
    } else if (column.empty) {
      data = utf8Data(new Array<null>(length).fill(null), true);
    } else if (column.type === 'boolean') {
      data = boolData(column.values as (boolean | null)[]);
    } else if (column.type === 'date') {
      data = singleData(vectorFromArray(column.values as never[], new TimestampMillisecond()));
    } else {
      data = utf8Data(column.values as (string | null)[], ascii);
    }
    fields.push(new Field(name, data.type as DataType, true, metadata));
    children.push(data);
    infos.push({ name, type: column.type });
  }
  const schema = new Schema(fields);
  const struct = makeData({ type: new Struct(fields), length, nullCount: 0, children });
  const table = new Table([new RecordBatch(schema, struct)]);
  return { name: fileName, table, columns: infos, rowCount: table.numRows, warnings };
}

/**
 * `buildTable`'s header rule on a CSV's first row (`first`, trimmed texts) over the
 * column types found below it: every cell is blank or non-numeric text; then a text cell
 * over a column of numbers, booleans or dates that is not of that type makes it a header;
 * else none of its values may appear again in its column.
 */
function looksLikeHeader(
  first: readonly string[],
  body: readonly ColumnGuess[],
  rows: number,
  appearsBelow: (column: number, value: string) => boolean,
  decimalComma: boolean,
): boolean {
  const textual = first.every(
    (cell) =>
      cell === '' || (!isMissingText(cell) && Number.isNaN(numberOfText(cell, decimalComma))),
  );
  if (!textual || first.every((cell) => cell === '')) return false;
  if (rows === 1) return true;
  if (body.some((column, j) => column.type !== 'string' && first[j] !== '')) {
    const typedFit = body.every((column, j) => {
      const cell = first[j] as string;
      if (column.type === 'string' || cell === '') return true;
      return inferColumn('', [cell], { decimalComma }).type === column.type;
    });
    if (!typedFit) return true;
  }
  return first.every((cell, j) => cell === '' || !appearsBelow(j, cell));
}

/** A Float64 column from every `stride`-th number from `offset`; `NaN` is a null. */
function float64Data(
  numbers: Float64Array,
  offset: number,
  stride: number,
  length: number,
): Data<Float64> {
  const values = new Float64Array(length);
  let nulls = 0;
  for (let r = 0, k = offset; r < length; r += 1, k += stride) {
    const value = numbers[k] as number;
    if (Number.isNaN(value)) nulls += 1;
    values[r] = value;
  }
  let nullBitmap: Uint8Array | undefined;
  if (nulls > 0) {
    nullBitmap = new Uint8Array((length + 7) >> 3);
    for (let r = 0; r < length; r += 1) {
      const value = values[r] as number;
      if (!Number.isNaN(value))
        nullBitmap[r >> 3] = (nullBitmap[r >> 3] as number) | (1 << (r & 7));
      else values[r] = 0;
    }
  }
  return makeData({
    type: new Float64(),
    length,
    nullCount: nulls,
    ...(nullBitmap === undefined ? {} : { nullBitmap }),
    data: values,
  });
}

function boolData(values: readonly (boolean | null)[]): Data<Bool> {
  const length = values.length;
  const bits = new Uint8Array((length + 7) >> 3);
  const validity = new Uint8Array((length + 7) >> 3);
  let nulls = 0;
  for (let r = 0; r < length; r += 1) {
    const value = values[r];
    if (value === null || value === undefined) {
      nulls += 1;
      continue;
    }
    validity[r >> 3] = (validity[r >> 3] as number) | (1 << (r & 7));
    if (value) bits[r >> 3] = (bits[r >> 3] as number) | (1 << (r & 7));
  }
  return makeData({
    type: new Bool(),
    length,
    nullCount: nulls,
    ...(nulls > 0 ? { nullBitmap: validity } : {}),
    data: bits,
  });
}

/** A Utf8 column: the texts joined and encoded once, offsets from each text's UTF-8 length. */
function utf8Data(values: readonly (string | null)[], ascii: boolean): Data<Utf8> {
  const length = values.length;
  const offsets = new Int32Array(length + 1);
  const validity = new Uint8Array((length + 7) >> 3);
  const parts: string[] = [];
  let nulls = 0;
  let bytes = 0;
  for (let r = 0; r < length; r += 1) {
    const value = values[r];
    if (value === null || value === undefined) {
      nulls += 1;
    } else {
      validity[r >> 3] = (validity[r >> 3] as number) | (1 << (r & 7));
      parts.push(value);
      bytes += ascii ? value.length : utf8Length(value);
    }
    offsets[r + 1] = bytes;
  }
  const data = Buffer.from(parts.join(''), 'utf8');
  if (data.byteLength !== bytes) {
    // Not reached for well-formed text (ingestCsv makes it so); kept as a guard.
    return singleData(vectorFromArray(values as string[], new Utf8()));
  }
  return makeData({
    type: new Utf8(),
    length,
    nullCount: nulls,
    ...(nulls > 0 ? { nullBitmap: validity } : {}),
    valueOffsets: offsets,
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  });
}

/** The number of bytes of a well-formed string in UTF-8. */
function utf8Length(value: string): number {
  let bytes = value.length;
  for (let i = 0; i < value.length; i += 1) {
    const c = value.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
      const low = value.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        bytes += 2;
        i += 1;
      } else bytes += 2;
    } else bytes += 2;
  }
  return bytes;
}

function singleData<T extends DataType>(vector: { data: readonly Data<T>[] }): Data<T> {
  const [data] = vector.data;
  if (data === undefined || vector.data.length !== 1) {
    throw new Error('Unexpected Arrow layout for a column');
  }
  return data;
}
