/**
 * The stats bot's CSV ingest as it was before its own parser: csv-parse (`trim`,
 * `skip_empty_lines`, `relax_column_count`) and `buildTable`. The property tests hold
 * `ingestCsv` to the same results and the same errors.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { AnalyticsErrorCode } from '../../src/analytics/AnalyticsError.ts';
import { buildTable } from '../../src/analytics/buildTable.ts';
import { checkSize, decodeText, defaultMaxBytes } from '../../src/analytics/decodeText.ts';
import { type CsvDelimiter, detectDelimiter } from '../../src/analytics/detectDelimiter.ts';
import { IngestError } from '../../src/analytics/IngestError.ts';
import type { IngestResult } from '../../src/analytics/types.ts';

const delimiterNames: Record<CsvDelimiter, string> = {
  ',': 'commas',
  ';': 'semicolons',
  '\t': 'tabs',
  '|': 'pipes',
};

/** `ingestCsv` through csv-parse, as it was. */
export function referenceIngestCsv(
  bytes: Uint8Array | string,
  options: { name: string; maxBytes?: number; delimiter?: CsvDelimiter },
): IngestResult {
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
  return buildTable(
    records.map(({ record }) => record),
    { name: fileName, decimalComma: delimiter === ';' },
  );
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
