import { ownedBytes } from './dataset.ts';
import type { SessionStore, StoredRecord, WriteOptions } from './sessionStore.ts';

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * The clock TTLs are judged by, in milliseconds since the epoch.
   * @default Date.now
   */
  now?: () => number;
}

interface Entry<T> {
  value: T;
  expiresAt: number | undefined;
}

/**
 * Creates an in-process {@link SessionStore}: plain maps, compare-and-set atomic within
 * the process, TTLs judged by the injected clock. It holds a record as one small object
 * around its JSON string (no per-entry envelope to serialize), so it costs a fraction of
 * a Keyv in-memory store. A blob is a copy of the bytes given, except bytes the runtime
 * serialized itself (`storeData`), which no one else holds and are kept as they are;
 * reading a blob gives a copy. It is the runtime's default store; nothing survives the
 * process.
 *
 * @example
 * ```ts
 * const store = createMemoryStore();
 * const runtime = createRuntime({ workflows, store });
 * ```
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): SessionStore {
  const now = options.now ?? Date.now;
  const records = new Map<string, Entry<StoredRecord>>();
  const blobs = new Map<string, Entry<Uint8Array>>();
  const sets = new Map<string, Set<string>>();

  const expiry = (ttlMs: number | undefined) =>
    ttlMs === undefined || ttlMs <= 0 ? undefined : now() + ttlMs;

  function live<T>(map: Map<string, Entry<T>>, key: string): Entry<T> | undefined {
    const entry = map.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= now()) {
      map.delete(key);
      return undefined;
    }
    return entry;
  }

  function removeMember(index: WriteOptions['index']): void {
    if (index === undefined) return;
    const set = sets.get(index.key);
    if (set === undefined) return;
    set.delete(index.member);
    if (set.size === 0) sets.delete(index.key);
  }

  function put(key: string, record: StoredRecord, writeOptions: WriteOptions | undefined): void {
    records.set(key, {
      value: { value: record.value, revision: record.revision },
      expiresAt: expiry(writeOptions?.ttlMs),
    });
    if (writeOptions?.index === undefined) return;
    const { key: setKey, member } = writeOptions.index;
    let set = sets.get(setKey);
    if (set === undefined) {
      set = new Set();
      sets.set(setKey, set);
    }
    set.add(member);
  }

  return {
    backend: 'memory',
    address: 'in-process',
    atomic: false,

    async get(key) {
      const entry = live(records, key);
      return entry === undefined ? undefined : { ...entry.value };
    },

    async createOrGet(key, record, writeOptions) {
      const stored = live(records, key)?.value;
      if (stored !== undefined) return { value: stored.value, revision: stored.revision };
      put(key, record, writeOptions);
      return undefined;
    },

    async compareAndSet(key, expectedRevision, record, writeOptions) {
      const current = live(records, key)?.value.revision ?? 0;
      if (current !== expectedRevision) return false;
      put(key, record, writeOptions);
      return true;
    },

    async delete(key, deleteOptions) {
      const existed = live(records, key) !== undefined;
      records.delete(key);
      removeMember(deleteOptions?.index);
      // The index itself is a set: deleting its key drops the whole set.
      const droppedSet = sets.delete(key);
      return existed || droppedSet;
    },

    async getBytes(key) {
      // A copy: what the caller does with it never changes what is stored.
      return live(blobs, key)?.value.slice();
    },

    async setBytes(key, bytes, writeOptions) {
      // Bytes the runtime serialized for this call are kept as they are (no one else holds
      // them); anyone else's are copied, so that changing them later changes nothing here.
      const value = ownedBytes(bytes) ? bytes : bytes.slice();
      blobs.set(key, { value, expiresAt: expiry(writeOptions?.ttlMs) });
    },

    async deleteBytes(key) {
      const existed = live(blobs, key) !== undefined;
      blobs.delete(key);
      return existed;
    },

    async members(key) {
      return [...(sets.get(key) ?? [])];
    },

    async *keys(prefix) {
      for (const map of [records, blobs] as Map<string, Entry<unknown>>[]) {
        for (const key of [...map.keys()]) {
          if (key.startsWith(prefix) && live(map, key) !== undefined) yield key;
        }
      }
      for (const key of [...sets.keys()]) if (key.startsWith(prefix)) yield key;
    },

    async close() {},
  };
}
