import { AnalyticsErrorCode } from './AnalyticsError.ts';
import { IngestError } from './IngestError.ts';

/** The default upload limit: 20 MB, what a Telegram bot may download. */
export const defaultMaxBytes = 20 * 2 ** 20;

/**
 * Bytes as a short size for messages: `512 bytes`, `12.5 KB`, `25.3 MB` (KB = 2^10 bytes,
 * MB = 2^20 bytes).
 */
export function formatBytes(bytes: number): string {
  if (bytes < 2 ** 10) return `${bytes} bytes`;
  if (bytes < 2 ** 20) return `${trimZero((bytes / 2 ** 10).toFixed(1))} KB`;
  return `${trimZero((bytes / 2 ** 20).toFixed(1))} MB`;
}

function trimZero(text: string): string {
  return text.endsWith('.0') ? text.slice(0, -2) : text;
}

/** Throws a `FILE_TOO_LARGE` {@link IngestError} when `size` exceeds `maxBytes`. */
export function checkSize(size: number, maxBytes: number, fileName: string): void {
  if (size > maxBytes) {
    throw new IngestError(
      AnalyticsErrorCode.FILE_TOO_LARGE,
      `"${fileName}" is ${formatBytes(size)}; the limit is ${formatBytes(maxBytes)}. Please send a smaller file (fewer rows or columns).`,
      { fileName },
    );
  }
}

const zipMagic = [0x50, 0x4b, 0x03, 0x04];

/** Whether the bytes start with a ZIP signature (an .xlsx workbook is a ZIP archive). */
export function isZip(bytes: Uint8Array): boolean {
  return zipMagic.every((byte, i) => bytes[i] === byte);
}

/**
 * Decodes uploaded bytes as UTF-8 text, without a byte order mark. Throws an
 * {@link IngestError}: `EMPTY_FILE` when there is nothing but whitespace, `BINARY_FILE`
 * when the bytes hold NUL bytes or are not valid UTF-8.
 *
 * @example
 * ```ts
 * decodeText(new TextEncoder().encode('a,b\n1,2\n'), 'data.csv'); // 'a,b\n1,2\n'
 * ```
 */
export function decodeText(bytes: Uint8Array | string, fileName: string): string {
  let text: string;
  if (typeof bytes === 'string') {
    text = bytes;
  } else {
    if (bytes.length > 0 && (bytes.includes(0) || isZip(bytes))) {
      throw binary(fileName, isZip(bytes));
    }
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch (cause) {
      throw binary(fileName, false, cause);
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.includes('\u0000')) throw binary(fileName, false);
  if (text.trim() === '') {
    throw new IngestError(
      AnalyticsErrorCode.EMPTY_FILE,
      `"${fileName}" is empty. Please send a CSV file with a header row and at least one row of values.`,
      { fileName },
    );
  }
  return text;
}

function binary(fileName: string, zip: boolean, cause?: unknown): IngestError {
  const what = zip
    ? 'is a ZIP archive (an Excel workbook?), not CSV text'
    : 'is not readable as text (it holds binary data or is not UTF-8)';
  return new IngestError(
    AnalyticsErrorCode.BINARY_FILE,
    `"${fileName}" ${what}. Accepted: CSV text in UTF-8 (.csv, .tsv, .txt; "CSV UTF-8" when saving from Excel) or an Excel workbook named .xlsx.`,
    cause === undefined ? { fileName } : { fileName, cause },
  );
}
