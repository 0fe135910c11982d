import ExcelJS from 'exceljs';
import { AnalyticsErrorCode } from './AnalyticsError.ts';
import { buildTable } from './buildTable.ts';
import { checkSize, defaultMaxBytes, isZip } from './decodeText.ts';
import { IngestError } from './IngestError.ts';
import type { RawCell } from './parseCell.ts';
import type { IngestResult } from './types.ts';

/** Options of {@link ingestExcel}. */
export interface IngestExcelOptions {
  /** The name the data was uploaded under (the file name), used in messages. */
  name: string;
  /**
   * The sheet to read, by name (an exact match first, then ignoring case).
   * @default the first sheet
   */
  sheet?: string;
  /**
   * The largest accepted workbook, in bytes.
   * @default 20 MB (20 * 2^20 bytes)
   */
  maxBytes?: number;
}

/**
 * Reads one sheet of an Excel workbook (.xlsx) into a typed Arrow table, with the same
 * header detection, type inference and missing values as {@link ingestCsv}. Spreadsheet
 * numbers, booleans and dates keep their type; formulas give their cached result; an
 * error cell (`#N/A`) is missing. A sheet name that is not in the workbook is a
 * `SHEET_NOT_FOUND` {@link IngestError} listing the sheets there are.
 *
 * @example
 * ```ts
 * const { table, columns } = await ingestExcel(bytes, { name: 'houses.xlsx', sheet: 'Sales' });
 * ```
 */
export async function ingestExcel(
  bytes: Uint8Array,
  options: IngestExcelOptions,
): Promise<IngestResult> {
  const fileName = options.name;
  checkSize(bytes.length, options.maxBytes ?? defaultMaxBytes, fileName);
  if (bytes.length === 0) {
    throw new IngestError(
      AnalyticsErrorCode.EMPTY_FILE,
      `"${fileName}" is empty. Please send an Excel workbook (.xlsx) with a header row and at least one row of values.`,
      { fileName },
    );
  }
  if (!isZip(bytes)) throw notAWorkbook(fileName);
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ExcelJS.Buffer,
    );
  } catch (cause) {
    throw notAWorkbook(fileName, cause);
  }

  const sheets = workbook.worksheets;
  const sheetNames = sheets.map((sheet) => sheet.name);
  const warnings: string[] = [];
  let sheet: ExcelJS.Worksheet | undefined;
  if (options.sheet === undefined) {
    sheet = sheets[0];
    if (sheets.length > 1 && sheet !== undefined) {
      warnings.push(
        `Read the first sheet, "${sheet.name}", of ${sheets.length}: ${sheetNames.join(', ')}.`,
      );
    }
  } else {
    const wanted = options.sheet;
    sheet =
      sheets.find((candidate) => candidate.name === wanted) ??
      sheets.find((candidate) => candidate.name.toLowerCase() === wanted.toLowerCase());
    if (sheet === undefined) {
      throw new IngestError(
        AnalyticsErrorCode.SHEET_NOT_FOUND,
        `"${fileName}" has no sheet "${wanted}". Its sheets are: ${sheetNames.map((n) => `"${n}"`).join(', ')}.`,
        { fileName },
      );
    }
  }
  if (sheet === undefined || sheet.rowCount === 0) {
    throw new IngestError(
      AnalyticsErrorCode.EMPTY_FILE,
      `${sheet === undefined ? 'The workbook' : `Sheet "${sheet.name}"`} of "${fileName}" is empty. Please send a workbook whose sheet has a header row and at least one row of values.`,
      { fileName },
    );
  }

  const rows: RawCell[][] = [];
  const width = sheet.columnCount;
  for (let r = 1; r <= sheet.rowCount; r += 1) {
    const row = sheet.getRow(r);
    const cells: RawCell[] = [];
    for (let c = 1; c <= width; c += 1) cells.push(toRawCell(row.getCell(c).value));
    rows.push(cells);
  }
  const result = buildTable(rows, { name: fileName });
  return { ...result, warnings: [...warnings, ...result.warnings] };
}

function toRawCell(value: ExcelJS.CellValue): RawCell {
  if (value === null || value === undefined) return null;
  if (
    typeof value === 'number' ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    value instanceof Date
  ) {
    return value;
  }
  if ('error' in value) return null;
  if ('richText' in value) return value.richText.map((run) => run.text).join('');
  if ('hyperlink' in value) return typeof value.text === 'string' ? value.text : null;
  if ('result' in value) return toRawCell(value.result ?? null);
  if ('formula' in value || 'sharedFormula' in value) return null;
  return String(value);
}

function notAWorkbook(fileName: string, cause?: unknown): IngestError {
  return new IngestError(
    AnalyticsErrorCode.INVALID_WORKBOOK,
    `"${fileName}" is not a readable Excel workbook. Accepted: .xlsx workbooks (older .xls files must be saved as .xlsx or CSV first) and CSV text.`,
    cause === undefined ? { fileName } : { fileName, cause },
  );
}
