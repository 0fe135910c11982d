/**
 * Error codes of every fault the runtime raises. A user mistake (an event the step
 * does not accept) is a step result, not an error; these are faults.
 */
export const ChatflowErrorCode = {
  SESSION_NOT_FOUND: 'SESSION_NOT_FOUND',
  SESSION_EXPIRED: 'SESSION_EXPIRED',
  WORKFLOW_INTERRUPTED: 'WORKFLOW_INTERRUPTED',
  UNKNOWN_WORKFLOW: 'UNKNOWN_WORKFLOW',
  DATA_TOO_LARGE: 'DATA_TOO_LARGE',
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
  CONFIG: 'CONFIG',
  CONFLICT: 'CONFLICT',
  DATA_CORRUPT: 'DATA_CORRUPT',
} as const;

/** One of the {@link ChatflowErrorCode} values. */
export type ChatflowErrorCode = (typeof ChatflowErrorCode)[keyof typeof ChatflowErrorCode];

/**
 * The base of every error chatflow throws. `code` says what went wrong in a form a
 * program can switch on; `cause` keeps the underlying error.
 *
 * @example
 * ```ts
 * try {
 *   await runtime.send(key, event);
 * } catch (error) {
 *   if (error instanceof ChatflowError && error.code === 'STORE_UNAVAILABLE') retryLater();
 * }
 * ```
 */
export class ChatflowError extends Error {
  override name = 'ChatflowError';
  readonly code: ChatflowErrorCode;

  constructor(code: ChatflowErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** An operation other than `getOrCreateSession`/`getSession` on a session that does not exist. */
export class SessionNotFoundError extends ChatflowError {
  override name = 'SessionNotFoundError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(ChatflowErrorCode.SESSION_NOT_FOUND, message, options);
  }
}

/**
 * An operation on an expired session. Call `getOrCreateSession` first (a bot does so for
 * every message): within the grace period that recovers it.
 */
export class SessionExpiredError extends ChatflowError {
  override name = 'SessionExpiredError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(ChatflowErrorCode.SESSION_EXPIRED, message, options);
  }
}

/** A queued operation whose workflow was cancelled or replaced before it ran. */
export class WorkflowInterruptedError extends ChatflowError {
  override name = 'WorkflowInterruptedError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(ChatflowErrorCode.WORKFLOW_INTERRUPTED, message, options);
  }
}

/** A workflow type that is not in the runtime's catalogue. */
export class UnknownWorkflowError extends ChatflowError {
  override name = 'UnknownWorkflowError';
  readonly workflowType: string;
  constructor(workflowType: string, known: readonly string[]) {
    super(
      ChatflowErrorCode.UNKNOWN_WORKFLOW,
      `Unknown workflow "${workflowType.slice(0, 40)}". Known workflows: ${known.join(', ')}.`,
    );
    this.workflowType = workflowType;
  }
}

/** A table larger than `maxDataSizeMb` in its Arrow IPC form. */
export class DataTooLargeError extends ChatflowError {
  override name = 'DataTooLargeError';
  readonly sizeBytes: number;
  readonly limitBytes: number;
  constructor(sizeBytes: number, limitBytes: number) {
    const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    super(
      ChatflowErrorCode.DATA_TOO_LARGE,
      `The data is ${mb(sizeBytes)} MB, over the limit of ${mb(limitBytes)} MB (maxDataSizeMb).`,
    );
    this.sizeBytes = sizeBytes;
    this.limitBytes = limitBytes;
  }
}

/** The store could not be read or written. Nothing was changed. */
export class StoreUnavailableError extends ChatflowError {
  override name = 'StoreUnavailableError';
  /** The backend, e.g. `redis`, `sqlite`, `memory`, `keyv`. */
  readonly backend: string;
  /** Where the backend lives (host:port, file path), never with credentials. */
  readonly address: string;
  constructor(backend: string, address: string, message: string, options?: { cause?: unknown }) {
    super(
      ChatflowErrorCode.STORE_UNAVAILABLE,
      `${backend} store at ${address}: ${message}`,
      options,
    );
    this.backend = backend;
    this.address = address;
  }
}

/** A configuration value that is not accepted. The message names the field and the value. */
export class ConfigError extends ChatflowError {
  override name = 'ConfigError';
  readonly field: string;
  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super(ChatflowErrorCode.CONFIG, message, options);
    this.field = field;
  }
}

/**
 * The stored data of a session cannot be read back as the table it was: the bytes are not
 * Arrow IPC (neither the stream format's continuation marker nor the file format's
 * `ARROW1` magic), its schema does not parse, its batches are cut short, or the table
 * does not have the rows and columns the session's data set describes. Nothing was
 * changed: the bytes stay where they are until `storeData` replaces them or `clearData`
 * removes them.
 */
export class DataCorruptError extends ChatflowError {
  override name = 'DataCorruptError';
  /** The id of the data set whose bytes are damaged. */
  readonly datasetId: string;
  /** The size of the stored bytes. */
  readonly sizeBytes: number;
  constructor(datasetId: string, sizeBytes: number, reason: string, options?: { cause?: unknown }) {
    super(
      ChatflowErrorCode.DATA_CORRUPT,
      `The stored data of this session (data set ${datasetId.slice(0, 8)}, ${sizeBytes} bytes) cannot be read: ${reason}. It was left as it is; store a table again with storeData, or remove it with clearData.`,
      options,
    );
    this.datasetId = datasetId;
    this.sizeBytes = sizeBytes;
  }
}
