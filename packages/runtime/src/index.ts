export {
  ChatflowError,
  ChatflowErrorCode,
  ConfigError,
  DataTooLargeError,
  SessionExpiredError,
  SessionNotFoundError,
  StoreUnavailableError,
  UnknownWorkflowError,
  WorkflowInterruptedError,
} from './errors.ts';
export type { SessionStore, StoredRecord, WriteOptions } from './sessionStore.ts';
export { sessionStoreSymbol } from './sessionStore.ts';
