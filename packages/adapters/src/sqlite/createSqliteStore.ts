import { KeyvSqlite } from '@keyv/sqlite';
import { Keyv } from 'keyv';
import { attachSessionStore } from '../attachSessionStore.ts';
import { resolveStoreOptions } from '../resolveStoreOptions.ts';
import type { ChatflowStore, StoreOptions } from '../types.ts';
import { SqliteSessionStore } from './SqliteSessionStore.ts';

/**
 * A store in an SQLite file: a Keyv on `@keyv/sqlite` (table `<namespace>_keyv`) carrying a
 * {@link SqliteSessionStore} whose tables share the same file and connection. The file
 * is put in WAL mode; a locked file waits at most `commandTimeoutMs` (the busy timeout).
 * The connection opens in the background; a file that cannot be opened makes every
 * call fail with `StoreUnavailableError`, and closing such a store resolves (there is
 * nothing to release). `close()` and `disconnect()` may be called any number of times.
 *
 * @param path - The database file (`:memory:` for a private in-memory database).
 * @example
 * ```ts
 * const store = createSqliteStore('data/sessions.db', { commandTimeoutMs: 5000 });
 * const runtime = createRuntime({ workflows, store });
 * ```
 */
export function createSqliteStore(path: string, options: StoreOptions = {}): ChatflowStore {
  const resolved = resolveStoreOptions(options);
  const adapter = new KeyvSqlite({
    uri: `sqlite://${path}`,
    table: `${resolved.namespace}_keyv`,
    busyTimeout: resolved.commandTimeoutMs,
  });
  // The adapter reports a connection that could not be opened (or set up) as an `error`
  // event before its calls reject with that same error. Listen before the Keyv does: the
  // Keyv re-emits the event, which throws when nobody listens to the Keyv.
  let openFailure: unknown;
  adapter.on('error', (error: unknown) => {
    openFailure ??= error;
  });
  // Keyv's disconnect() and the session store's close() share the connection: close it
  // once. A connection that never opened gives us nothing to release, so closing it
  // resolves (the adapter's close() would reject with the error that kept it from
  // opening; a handle the adapter opened before that error is out of our reach, and
  // sqlite3 closes it when it is garbage-collected).
  const closeConnection = adapter.close;
  let closing: Promise<void> | undefined;
  adapter.close = () => {
    closing ??= closeConnection().catch((error: unknown) => {
      if (openFailure !== undefined && error === openFailure) return;
      throw error;
    });
    return closing;
  };
  const keyv = new Keyv({ store: adapter, namespace: resolved.namespace, throwOnErrors: true });
  const store = new SqliteSessionStore({
    query: adapter.query,
    close: adapter.close,
    path,
    namespace: resolved.namespace,
    now: resolved.now,
  });
  return attachSessionStore(keyv, store);
}
