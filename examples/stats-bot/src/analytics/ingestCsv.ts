import { CsvError, parse } from 'csv-parse/sync';
import { AnalyticsErrorCode } from './AnalyticsError.ts';
import { buildTable } from './buildTable.ts';
import { checkSize, decodeText, defaultMaxBytes } from './decodeText.ts';
import { type CsvDelimiter, detectDelimiter } from './detectDelimiter.ts';
import { IngestError } from './IngestError.ts';
import type { IngestResult } from './types.ts';

/** Options of {@link ingestCsv}. */
export interface IngestCsvOptions {
  /** The name the data was uploaded under (the file name), used in messages. */
  name: string;
  /**
   * The largest accepted input, in bytes (UTF-8 bytes for a string).
   * @default 20 MB (20 * 2^20 bytes)
   */
  maxBytes?: number;
  /**
   * The field separator; detected among comma, semicolon, tab and pipe when absent.
   * @default detected
   */
  delimiter?: CsvDelimiter;
}

const delimiterNames: Record<CsvDelimiter, string> = {
  ',': 'commas',
  ';': 'semicolons',
  '\t': 'tabs',
  '|': 'pipes',
};

/**
 * Reads CSV text into a typed Arrow table. The separator (comma, semicolon, tab, pipe) and
 * a header row are detected; column types are inferred (numbers, yes/no and true/false
 * booleans, ISO dates, text) with empty, NA, N/A, null, NaN and - read as missing. With
 * semicolons as separators, a comma may be the decimal mark. Every problem is an
 * {@link IngestError} whose message says what is wrong and what is accepted: empty or
 * binary input, too large, uneven rows (naming the line), misplaced quotes, a single
 * column, no data rows.
 *
 * @example
 * ```ts
 * const { table, columns, rowCount, warnings } = ingestCsv('area;price\n50;3,5e5\n', {
 *   name: 'houses.csv',
 * });
 * // columns: [{ name: 'area', type: 'number' }, { name: 'price', type: 'number' }]
 * ```
 */
export function ingestCsv(bytes: Uint8Array | string, options: IngestCsvOptions): IngestResult {
  const fileName = options.name;
  const size = typeof bytes === 'string' ? Buffer.byteLength(bytes, 'utf8') : bytes.length;
  checkSize(size, options.maxBytes ?? defaultMaxBytes, fileName);
  if (size === 0) {
    throw new IngestError(
      AnalyticsErrorCode.EMPTY_FILE,
      `"${fileName}" is empty. Please send a CSV file with a header row and at least one row of values.`,
      { fileName },
    );
  }
  const text = decodeText(bytes, fileName);
  const delimiter = options.delimiter ?? detectDelimiter(text);

  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parse(text, {
      delimiter,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    throw translateCsvError(error, fileName);
  }

  const records = parsed.filter(({ record }) => record.some((field) => field.trim() !== ''));
  const expected = records[0]?.record.length ?? 0;
  const uneven = records.filter(({ record }) => record.length !== expected);
  const [firstUneven] = uneven;
  if (firstUneven !== undefined) {
    const { record, info } = firstUneven;
    const others = uneven.length > 1 ? ` (${uneven.length} lines in all differ)` : '';
    throw new IngestError(
      AnalyticsErrorCode.RAGGED_ROWS,
      `Line ${info.lines} of "${fileName}" has ${record.length} field${record.length === 1 ? '' : 's'} but the first line has ${expected}${others}. Every line needs the same number of fields, separated by ${delimiterNames[delimiter]}; a value that contains the separator must be in double quotes.`,
      { fileName, line: info.lines },
    );
  }

  const result = buildTable(
    records.map(({ record }) => record),
    { name: fileName, decimalComma: delimiter === ';' },
  );
  return result;
}

const quoteErrors = new Set<string>([
  'CSV_QUOTE_NOT_CLOSED',
  'CSV_INVALID_CLOSING_QUOTE',
  'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE',
  'INVALID_OPENING_QUOTE',
]);

function translateCsvError(error: unknown, fileName: string): unknown {
  if (!(error instanceof CsvError)) return error;
  const line = typeof error.lines === 'number' ? error.lines : undefined;
  const at = line === undefined ? '' : ` on line ${line}`;
  const rule =
    'A value may be wrapped in double quotes ("like, this"), and a quote inside a quoted value is written twice ("").';
  let message: string;
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      message = `"${fileName}" ends inside a quoted value: a double quote opened a value and was never closed (the file ended${at}). ${rule}`;
      break;
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      message = `"${fileName}" has text right after the closing quote of a value${at}. ${rule}`;
      break;
    case 'INVALID_OPENING_QUOTE':
      message = `"${fileName}" has a double quote in the middle of a value${at}. ${rule}`;
      break;
    default:
      message = `"${fileName}" could not be read as CSV${at}: ${error.message}. Accepted: comma, semicolon, tab or pipe separated text with one record per line.`;
  }
  const code = quoteErrors.has(error.code)
    ? AnalyticsErrorCode.BAD_QUOTES
    : AnalyticsErrorCode.MALFORMED_CSV;
  return new IngestError(
    code,
    message,
    line === undefined ? { fileName, cause: error } : { fileName, line, cause: error },
  );
}
