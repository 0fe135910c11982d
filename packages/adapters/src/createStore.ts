import { createMemoryStore } from './memory/createMemoryStore.ts';
import { parseStoreUrl } from './parseStoreUrl.ts';
import { createRedisStore } from './redis/createRedisStore.ts';
import { createSqliteStore } from './sqlite/createSqliteStore.ts';
import type { ChatflowStore, StoreOptions } from './types.ts';

/**
 * Creates the store a chatflow runtime persists to, from a URL:
 *
 * - `memory`: in this process, gone when it exits;
 * - `sqlite://path/to/file.db` (relative to the working directory),
 *   `sqlite:///absolute/path.db`, or `sqlite://:memory:`;
 * - `redis://[user:password@]host:port[/db]`, or `rediss://...` for TLS.
 *
 * The result is a real `Keyv` on the backend's adapter (use it as one) that carries a
 * `SessionStore` under `sessionStoreSymbol`: atomic compare-and-set, raw binary blobs,
 * index sets and key listing on the backend itself. It returns at once; SQLite and
 * Redis connect in the background, and a call that cannot reach the backend fails
 * with `StoreUnavailableError` naming backend and address (never the password).
 *
 * @throws ConfigError (field `url`) for an unknown scheme or a malformed URL, saying
 * what was given and what is accepted; or naming the option that is not accepted.
 * @example
 * ```ts
 * import { createStore } from '@chatflow/adapters';
 * import { createRuntime } from '@chatflow/runtime';
 *
 * const store = createStore(process.env.STORE_URL ?? 'sqlite://data/sessions.db');
 * const runtime = createRuntime({ workflows, store });
 * ```
 */
export function createStore(url: string, options: StoreOptions = {}): ChatflowStore {
  const target = parseStoreUrl(url);
  switch (target.backend) {
    case 'memory':
      return createMemoryStore(options);
    case 'sqlite':
      return createSqliteStore(target.path, options);
    case 'redis':
      return createRedisStore(target.url, options);
  }
}
