/**
 * The storage seam of the runtime. The runtime takes either a plain Keyv (which it
 * wraps, doing compare-and-set in process) or a Keyv carrying a `SessionStore` under
 * {@link sessionStoreSymbol}, as `@chatflow/adapters`' `createStore` returns: then the
 * backend's own atomic compare-and-set, raw binary blobs and indexes are used.
 *
 * Keys are opaque strings built by the runtime; every key of one user contains the
 * same `{...}` hash tag so a Redis Cluster keeps them in one slot.
 *
 * Every method throws `StoreUnavailableError` (naming backend and address) when the
 * backend cannot be reached or refuses; none swallows a failed write.
 */

/** Where a Keyv built by `createStore` carries its {@link SessionStore}. */
export const sessionStoreSymbol: unique symbol = Symbol.for('chatflow.sessionStore') as never;

/** A record as stored: the serialized value and its revision (1 for the first write). */
export interface StoredRecord {
  value: string;
  revision: number;
}

/** Options of a write. */
export interface WriteOptions {
  /** Time to live in milliseconds; the record vanishes after it with no runtime running. */
  ttlMs?: number;
  /**
   * A set to keep in step with the record, in the same atomic operation where the
   * backend can: on a successful write `member` is added to the set at `key`, on a
   * delete it is removed. The runtime keeps a per-user index of sessions this way.
   */
  index?: { key: string; member: string };
}

/** The operations the runtime needs from a store. */
export interface SessionStore {
  /** The backend's name for messages and metrics: `memory`, `keyv`, `sqlite`, `redis`. */
  readonly backend: string;
  /** Where it lives (a path, host:port), never with credentials. */
  readonly address: string;
  /** True when {@link SessionStore.compareAndSet} is atomic across processes. */
  readonly atomic: boolean;

  /** Reads a record; `undefined` when there is none (never when the read failed). */
  get(key: string): Promise<StoredRecord | undefined>;
  /**
   * Writes `record` only if the stored revision equals `expectedRevision` (0: no record
   * may exist). Resolves `true` when written, `false` on a conflict (another writer got
   * there first; nothing was written).
   */
  compareAndSet(
    key: string,
    expectedRevision: number,
    record: StoredRecord,
    options?: WriteOptions,
  ): Promise<boolean>;
  /**
   * Writes `record` where no record exists, as `compareAndSet(key, 0, record, options)`
   * does, in the same round trip as the read that finds none. Resolves `undefined` when
   * it wrote, or the stored record (nothing was written) when one exists. Optional: a
   * store without it gets a `get`, then a `compareAndSet`, when the runtime creates a
   * session. The runtime's memory store and `createStore`'s SQLite and Redis stores have
   * it.
   */
  createOrGet?(
    key: string,
    record: StoredRecord,
    options?: WriteOptions,
  ): Promise<StoredRecord | undefined>;
  /** Deletes a record (and its index membership); `true` when one existed. */
  delete(key: string, options?: Pick<WriteOptions, 'index'>): Promise<boolean>;

  /** Reads a binary blob as it was written. */
  getBytes(key: string): Promise<Uint8Array | undefined>;
  /** Writes a binary blob (raw bytes where the backend allows). */
  setBytes(key: string, bytes: Uint8Array, options?: Pick<WriteOptions, 'ttlMs'>): Promise<void>;
  /** Deletes a binary blob; `true` when one existed. */
  deleteBytes(key: string): Promise<boolean>;

  /** Members of the set at `key` (empty when there is none). */
  members(key: string): Promise<string[]>;

  /** Every key that starts with `prefix` (for erasure audits and maintenance). */
  keys(prefix: string): AsyncIterable<string>;

  /** Releases connections. */
  close(): Promise<void>;
}
