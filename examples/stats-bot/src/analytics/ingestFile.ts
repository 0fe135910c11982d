import { AnalyticsErrorCode } from './AnalyticsError.ts';
import { isZip } from './decodeText.ts';
import { IngestError } from './IngestError.ts';
import { ingestCsv } from './ingestCsv.ts';
import { ingestExcel } from './ingestExcel.ts';
import type { IngestResult } from './types.ts';

/** Options of {@link ingestFile}. */
export interface IngestFileOptions {
  /**
   * The largest accepted file, in bytes.
   * @default 20 MB (20 * 2^20 bytes)
   */
  maxBytes?: number;
  /**
   * The sheet to read from an Excel workbook.
   * @default the first sheet
   */
  sheet?: string;
}

/** What {@link ingestFile} accepts, as said in its messages. */
export const acceptedFiles = 'CSV text (.csv, .tsv, .txt) or an Excel workbook (.xlsx)';

const textExtensions = new Set(['csv', 'tsv', 'txt']);

/**
 * Reads an uploaded file into a typed Arrow table, choosing the reader by the file's
 * extension and first bytes: `.csv`, `.tsv` and `.txt` are CSV text (unless their bytes
 * are a workbook), `.xlsx` is an Excel workbook. Any other file is an `UNSUPPORTED_FILE`
 * {@link IngestError} that lists what is accepted.
 *
 * @example
 * ```ts
 * const { table, columns, rowCount, warnings } = await ingestFile(bytes, 'houses.csv');
 * ```
 */
export async function ingestFile(
  bytes: Uint8Array,
  filename: string,
  options: IngestFileOptions = {},
): Promise<IngestResult> {
  const dot = filename.lastIndexOf('.');
  const extension = dot === -1 ? '' : filename.slice(dot + 1).toLowerCase();
  const excelOptions = {
    name: filename,
    ...(options.sheet === undefined ? {} : { sheet: options.sheet }),
    ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
  };
  if (extension === 'xlsx' || (textExtensions.has(extension) && isZip(bytes))) {
    return ingestExcel(bytes, excelOptions);
  }
  if (textExtensions.has(extension)) {
    return ingestCsv(bytes, {
      name: filename,
      ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
    });
  }
  const hint =
    extension === 'xls'
      ? ' Old .xls workbooks are not supported: save it as .xlsx or CSV.'
      : extension === ''
        ? ' The file has no extension.'
        : '';
  throw new IngestError(
    AnalyticsErrorCode.UNSUPPORTED_FILE,
    `"${filename}" is not a file type I can read.${hint} Accepted: ${acceptedFiles}.`,
    { fileName: filename },
  );
}
