export { createSqliteStore } from './createSqliteStore.ts';
export {
  type SqliteQuery,
  SqliteSessionStore,
  type SqliteSessionStoreOptions,
} from './SqliteSessionStore.ts';
