import { AnalyticsErrorCode } from './AnalyticsError.ts';
import { csvTable } from './csvTable.ts';
import { checkSize, decodeText, defaultMaxBytes } from './decodeText.ts';
import { type CsvDelimiter, detectDelimiter } from './detectDelimiter.ts';
import { IngestError } from './IngestError.ts';
import { type CsvCells, CsvSyntaxError, parseCsv } from './parseCsv.ts';
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
  const text = wellFormed(decodeText(bytes, fileName));
  const delimiter = options.delimiter ?? detectDelimiter(text);
  const decimalComma = delimiter === ';';

  let cells: CsvCells;
  try {
    cells = parseCsv(text, { delimiter, decimalComma });
  } catch (error) {
    throw translateSyntaxError(error, fileName);
  }

  const { uneven } = cells;
  if (uneven !== undefined) {
    const others = uneven.count > 1 ? ` (${uneven.count} lines in all differ)` : '';
    throw new IngestError(
      AnalyticsErrorCode.RAGGED_ROWS,
      `Line ${uneven.line} of "${fileName}" has ${uneven.fields} field${uneven.fields === 1 ? '' : 's'} but the first line has ${cells.width}${others}. Every line needs the same number of fields, separated by ${delimiterNames[delimiter]}; a value that contains the separator must be in double quotes.`,
      { fileName, line: uneven.line },
    );
  }
  return csvTable(cells, { name: fileName, decimalComma });
}

/** Lone surrogates of a string input read as U+FFFD, as they would once encoded in UTF-8. */
function wellFormed(text: string): string {
  const unicode = text as string & { isWellFormed(): boolean; toWellFormed(): string };
  return unicode.isWellFormed() ? text : unicode.toWellFormed();
}

const rule =
  'A value may be wrapped in double quotes ("like, this"), and a quote inside a quoted value is written twice ("").';

function translateSyntaxError(error: unknown, fileName: string): unknown {
  if (!(error instanceof CsvSyntaxError)) return error;
  const at = ` on line ${error.line}`;
  let message: string;
  switch (error.code) {
    case 'QUOTE_NOT_CLOSED':
      message = `"${fileName}" ends inside a quoted value: a double quote opened a value and was never closed (the file ended${at}). ${rule}`;
      break;
    case 'INVALID_CLOSING_QUOTE':
    case 'TEXT_AFTER_CLOSING_QUOTE':
      message = `"${fileName}" has text right after the closing quote of a value${at}. ${rule}`;
      break;
    case 'INVALID_OPENING_QUOTE':
      message = `"${fileName}" has a double quote in the middle of a value${at}. ${rule}`;
      break;
  }
  return new IngestError(AnalyticsErrorCode.BAD_QUOTES, message, {
    fileName,
    line: error.line,
    cause: error,
  });
}
