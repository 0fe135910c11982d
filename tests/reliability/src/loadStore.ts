import type { ChatflowStore, StoreOptions } from '@chatflow/adapters';

/**
 * Opens a store from a `sqlite://` or `redis://` URL importing only that backend's
 * module (`@chatflow/adapters/sqlite` or `/redis`), which makes a child process that is
 * killed and restarted many times start faster than with `createStore`.
 *
 * @example
 * ```ts
 * const store = await loadStore('sqlite:///tmp/sessions.db', { commandTimeoutMs: 5000 });
 * ```
 */
export async function loadStore(url: string, options: StoreOptions = {}): Promise<ChatflowStore> {
  if (url.startsWith('sqlite://')) {
    const { createSqliteStore } = await import('@chatflow/adapters/sqlite');
    return createSqliteStore(url.slice('sqlite://'.length), options);
  }
  if (url.startsWith('redis://')) {
    const { createRedisStore } = await import('@chatflow/adapters/redis');
    return createRedisStore(url, options);
  }
  const { createStore } = await import('@chatflow/adapters');
  return createStore(url, options);
}
