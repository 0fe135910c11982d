export { acceptedEvents } from './acceptedEvents.ts';
export {
  configEnvironmentVariables,
  defaultConfig,
  type LoadConfigOptions,
  loadConfig,
  resolveConfig,
  runtimeConfigSchema,
} from './config.ts';
export { createRuntime } from './createRuntime.ts';
export { columnTypeOf, datasetInfoOf, ownedBytes } from './dataset.ts';
export {
  ChatflowError,
  ChatflowErrorCode,
  ConfigError,
  DataCorruptError,
  DataTooLargeError,
  SessionExpiredError,
  SessionNotFoundError,
  StoreUnavailableError,
  UnknownWorkflowError,
  WorkflowInterruptedError,
} from './errors.ts';
export type { KeyedQueue } from './keyedQueue.ts';
export { createKeyedQueue } from './keyedQueue.ts';
export {
  dataStorageKey,
  encodeId,
  normalizeSessionKey,
  parseStorageKey,
  quarantineStorageKey,
  sessionStorageKey,
  userIndexKey,
  userKeyPrefix,
} from './keys.ts';
export { createKeyvSessionStore } from './keyvSessionStore.ts';
export { createMemoryStore, type MemoryStoreOptions } from './memoryStore.ts';
export { resolveSessionStore } from './resolveSessionStore.ts';
export type { SessionStore, StoredRecord, WriteOptions } from './sessionStore.ts';
export { sessionStoreSymbol } from './sessionStore.ts';
export { systemClock } from './systemClock.ts';
export type {
  CancelResult,
  CleanupResult,
  ForgetResult,
  HistoryMessage,
  HistoryMessageInput,
  HistoryOptions,
  InspectOption,
  PersistedWorkflowSnapshot,
  PersistenceBackend,
  PersistenceConfig,
  Runtime,
  RuntimeClock,
  RuntimeConfig,
  RuntimeConfigInput,
  RuntimeEvent,
  RuntimeEventBase,
  RuntimeEventListener,
  RuntimeEventMap,
  RuntimeEventType,
  RuntimeHealth,
  RuntimeOptions,
  RuntimeStats,
  SessionKey,
  SessionResetReason,
  SessionView,
  StepFailure,
  StepFailureCode,
  StepOptions,
  StepResult,
  StepSource,
  StepSuccess,
  StoreDataOptions,
  WorkflowEventDetails,
  WorkflowMigrations,
  WorkflowView,
  WorkInfo,
} from './types.ts';
