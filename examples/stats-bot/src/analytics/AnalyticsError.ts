/**
 * Error codes of every fault the analytics modules raise. Each error's message is written
 * for the person chatting with the bot: it says what was wrong and what would work.
 */
export const AnalyticsErrorCode = {
  /** The uploaded file has no content at all. */
  EMPTY_FILE: 'EMPTY_FILE',
  /** The uploaded file is not text (NUL bytes or invalid UTF-8). */
  BINARY_FILE: 'BINARY_FILE',
  /** The uploaded file is larger than the limit. */
  FILE_TOO_LARGE: 'FILE_TOO_LARGE',
  /** A row has more or fewer fields than the header. */
  RAGGED_ROWS: 'RAGGED_ROWS',
  /** A quote in the CSV is not where CSV allows one. */
  BAD_QUOTES: 'BAD_QUOTES',
  /** The CSV cannot be parsed for another reason than quotes or uneven rows. */
  MALFORMED_CSV: 'MALFORMED_CSV',
  /** The data has a single column. */
  SINGLE_COLUMN: 'SINGLE_COLUMN',
  /** The data has a header but no rows. */
  NO_DATA_ROWS: 'NO_DATA_ROWS',
  /** The file type is not one of the accepted ones. */
  UNSUPPORTED_FILE: 'UNSUPPORTED_FILE',
  /** The workbook cannot be read. */
  INVALID_WORKBOOK: 'INVALID_WORKBOOK',
  /** The requested sheet is not in the workbook. */
  SHEET_NOT_FOUND: 'SHEET_NOT_FOUND',
  /** Columns that an operation needs are not in the table. */
  MISSING_COLUMNS: 'MISSING_COLUMNS',
  /** A column has the wrong type for the operation (e.g. text where numbers are needed). */
  WRONG_COLUMN_TYPE: 'WRONG_COLUMN_TYPE',
  /** The arguments of an operation are not valid (e.g. the target among the features). */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  /** Too few usable rows (or classes) for the operation. */
  NOT_ENOUGH_DATA: 'NOT_ENOUGH_DATA',
  /** A serialized model that cannot be loaded. */
  INVALID_MODEL: 'INVALID_MODEL',
} as const;

/** One of the {@link AnalyticsErrorCode} values. */
export type AnalyticsErrorCode = (typeof AnalyticsErrorCode)[keyof typeof AnalyticsErrorCode];

/**
 * The base of every error the analytics modules throw. `code` says what went wrong in a
 * form a program can switch on; `message` is meant to be shown to the user as it is;
 * `cause` keeps the underlying error.
 *
 * @example
 * ```ts
 * try {
 *   const result = trainModel({ table, target: 'price', features: ['area'], modelType, seed: 1 });
 * } catch (error) {
 *   if (error instanceof AnalyticsError) await reply(error.message);
 *   else throw error;
 * }
 * ```
 */
export class AnalyticsError extends Error {
  override name = 'AnalyticsError';
  readonly code: AnalyticsErrorCode;

  constructor(code: AnalyticsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
