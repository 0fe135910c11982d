import {
  ownedBytes,
  type SessionStore,
  type StoredRecord,
  StoreUnavailableError,
  type WriteOptions,
} from '@chatflow/runtime';
import { normalizeTtl } from '../normalizeTtl.ts';

/** Options of {@link MemorySessionStore}. */
export interface MemorySessionStoreOptions {
  /**
   * The clock that judges TTLs. Inject one to test expiry without waiting.
   * @default Date.now
   */
  now?: () => number;
}

interface RecordEntry {
  value: string;
  revision: number;
  /** Epoch milliseconds after which the record is gone; `undefined`: never. */
  expiresAt: number | undefined;
}

interface BlobEntry {
  bytes: Uint8Array;
  expiresAt: number | undefined;
}

/** How often, at most, a write sweeps out every expired entry. */
const sweepIntervalMs = 60_000;

/**
 * A {@link SessionStore} in this process's memory: plain `Map`s, so an entry costs its
 * strings and little else. Compare-and-set is atomic because it runs without yielding
 * to the event loop; TTLs are judged with the injectable clock on every read and swept
 * out at most once a minute on writes. Nothing survives the process.
 *
 * @example
 * ```ts
 * const store = new MemorySessionStore({ now: () => clock.now });
 * await store.compareAndSet('session:{42}:chat', 0, { value: '{}', revision: 1 });
 * ```
 */
export class MemorySessionStore implements SessionStore {
  readonly backend = 'memory';
  readonly address = 'in-process';
  readonly atomic = true;

  readonly #now: () => number;
  readonly #records = new Map<string, RecordEntry>();
  readonly #blobs = new Map<string, BlobEntry>();
  readonly #sets = new Map<string, Set<string>>();
  #lastSweep: number;
  #closed = false;

  constructor(options: MemorySessionStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#lastSweep = this.#now();
  }

  async get(key: string): Promise<StoredRecord | undefined> {
    this.#assertOpen();
    const entry = this.#liveRecord(key);
    return entry === undefined ? undefined : { value: entry.value, revision: entry.revision };
  }

  async compareAndSet(
    key: string,
    expectedRevision: number,
    record: StoredRecord,
    options: WriteOptions = {},
  ): Promise<boolean> {
    this.#assertOpen();
    const expiresAt = this.#expiryOf(options.ttlMs);
    const current = this.#liveRecord(key);
    if ((current?.revision ?? 0) !== expectedRevision) return false;
    this.#records.set(key, { value: record.value, revision: record.revision, expiresAt });
    if (options.index !== undefined) this.#addMember(options.index.key, options.index.member);
    this.#maybeSweep();
    return true;
  }

  async createOrGet(
    key: string,
    record: StoredRecord,
    options: WriteOptions = {},
  ): Promise<StoredRecord | undefined> {
    this.#assertOpen();
    const current = this.#liveRecord(key);
    if (current !== undefined) return { value: current.value, revision: current.revision };
    await this.compareAndSet(key, 0, record, options);
    return undefined;
  }

  async delete(key: string, options: Pick<WriteOptions, 'index'> = {}): Promise<boolean> {
    this.#assertOpen();
    const existed = this.#liveRecord(key) !== undefined;
    this.#records.delete(key);
    if (options.index !== undefined) this.#removeMember(options.index.key, options.index.member);
    return existed;
  }

  async getBytes(key: string): Promise<Uint8Array | undefined> {
    this.#assertOpen();
    const entry = this.#blobs.get(key);
    if (entry === undefined) return undefined;
    if (this.#isExpired(entry.expiresAt)) {
      this.#blobs.delete(key);
      return undefined;
    }
    return entry.bytes.slice();
  }

  async setBytes(
    key: string,
    bytes: Uint8Array,
    options: Pick<WriteOptions, 'ttlMs'> = {},
  ): Promise<void> {
    this.#assertOpen();
    const expiresAt = this.#expiryOf(options.ttlMs);
    // Bytes the runtime serialized and handed over are kept as they are; anyone else's
    // are copied, so changing them later changes nothing stored.
    this.#blobs.set(key, { bytes: ownedBytes(bytes) ? bytes : Uint8Array.from(bytes), expiresAt });
    this.#maybeSweep();
  }

  async deleteBytes(key: string): Promise<boolean> {
    this.#assertOpen();
    const entry = this.#blobs.get(key);
    this.#blobs.delete(key);
    return entry !== undefined && !this.#isExpired(entry.expiresAt);
  }

  async members(key: string): Promise<string[]> {
    this.#assertOpen();
    return [...(this.#sets.get(key) ?? [])];
  }

  async *keys(prefix: string): AsyncIterable<string> {
    this.#assertOpen();
    const found = new Set<string>();
    for (const [key, entry] of this.#records) {
      if (key.startsWith(prefix) && !this.#isExpired(entry.expiresAt)) found.add(key);
    }
    for (const [key, entry] of this.#blobs) {
      if (key.startsWith(prefix) && !this.#isExpired(entry.expiresAt)) found.add(key);
    }
    for (const key of this.#sets.keys()) {
      if (key.startsWith(prefix)) found.add(key);
    }
    yield* [...found].sort();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#records.clear();
    this.#blobs.clear();
    this.#sets.clear();
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new StoreUnavailableError(this.backend, this.address, 'the store is closed');
    }
  }

  #expiryOf(ttlMs: number | undefined): number | undefined {
    const ttl = normalizeTtl(ttlMs);
    return ttl === undefined ? undefined : this.#now() + ttl;
  }

  #isExpired(expiresAt: number | undefined): boolean {
    return expiresAt !== undefined && expiresAt <= this.#now();
  }

  #liveRecord(key: string): RecordEntry | undefined {
    const entry = this.#records.get(key);
    if (entry === undefined) return undefined;
    if (this.#isExpired(entry.expiresAt)) {
      this.#records.delete(key);
      return undefined;
    }
    return entry;
  }

  #addMember(setKey: string, member: string): void {
    const set = this.#sets.get(setKey);
    if (set === undefined) this.#sets.set(setKey, new Set([member]));
    else set.add(member);
  }

  #removeMember(setKey: string, member: string): void {
    const set = this.#sets.get(setKey);
    if (set === undefined) return;
    set.delete(member);
    if (set.size === 0) this.#sets.delete(setKey);
  }

  #maybeSweep(): void {
    const now = this.#now();
    if (now - this.#lastSweep < sweepIntervalMs) return;
    this.#lastSweep = now;
    for (const [key, entry] of this.#records) {
      if (this.#isExpired(entry.expiresAt)) this.#records.delete(key);
    }
    for (const [key, entry] of this.#blobs) {
      if (this.#isExpired(entry.expiresAt)) this.#blobs.delete(key);
    }
  }
}
