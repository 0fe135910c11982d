import { AnalyticsError, type AnalyticsErrorCode } from './AnalyticsError.ts';

/**
 * An uploaded file that cannot be turned into a table. The message says what was wrong
 * and what is accepted; `fileName` is the name the file was uploaded under and `line`
 * the 1-based line of the CSV where the problem was found, when there is one.
 *
 * @example
 * ```ts
 * try {
 *   const { table } = ingestCsv(bytes, { name: 'sales.csv' });
 * } catch (error) {
 *   if (error instanceof IngestError) await reply(error.message);
 * }
 * ```
 */
export class IngestError extends AnalyticsError {
  override name = 'IngestError';
  /** The name the file was uploaded under. */
  readonly fileName: string;
  /** The 1-based line of the problem in a CSV file, when there is one. */
  readonly line: number | undefined;

  constructor(
    code: AnalyticsErrorCode,
    message: string,
    options: { fileName: string; line?: number; cause?: unknown },
  ) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.fileName = options.fileName;
    this.line = options.line;
  }
}
