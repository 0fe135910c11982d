import type { SessionStore, sessionStoreSymbol } from '@chatflow/runtime';
import type { Keyv } from 'keyv';

/** Options of {@link createStore} and of the per-backend factories. */
export interface StoreOptions {
  /**
   * How long a call waits for a connection to the backend before it fails with
   * `StoreUnavailableError` (Redis: the first connection and every reconnection).
   * @default 2000
   */
  connectTimeoutMs?: number;
  /**
   * How long a call waits for the backend's answer before it fails with
   * `StoreUnavailableError` (Redis: the reply; SQLite: the busy timeout on a locked file).
   * @default 2000
   */
  commandTimeoutMs?: number;
  /**
   * Prefix of every key (Redis) or table (SQLite) the store writes, so several
   * applications can share one backend. Letters, digits and `_`, starting with a letter.
   * @default 'chatflow'
   */
  namespace?: string;
  /**
   * The clock that judges record and blob TTLs of the memory and SQLite stores (Redis
   * expires keys on the server's clock). Inject one to test expiry without waiting.
   * @default Date.now
   */
  now?: () => number;
}

/** {@link StoreOptions} with every default filled in. */
export type ResolvedStoreOptions = Required<StoreOptions>;

/**
 * What {@link createStore} returns: a real `Keyv` (usable as one) carrying the backend's
 * {@link SessionStore} under `sessionStoreSymbol`, which the runtime uses for atomic
 * compare-and-set, raw binary blobs and indexes.
 */
export type ChatflowStore = Keyv & { readonly [sessionStoreSymbol]: SessionStore };
