import {
  type SessionStore,
  type StoredRecord,
  StoreUnavailableError,
  type WriteOptions,
} from '@chatflow/runtime';
import { normalizeTtl } from '../normalizeTtl.ts';
import { createSerialQueue, type SerialQueue } from './serialQueue.ts';
import { type SqliteStatements, sqliteStatements } from './sqliteStatements.ts';

/** Runs one SQL statement on a connection and resolves to its rows. */
export type SqliteQuery = (sql: string, ...params: unknown[]) => Promise<unknown>;

/** Options of {@link SqliteSessionStore}. */
export interface SqliteSessionStoreOptions {
  /** Runs a statement on the connection (the `query` of `@keyv/sqlite`'s adapter). */
  query: SqliteQuery;
  /** Closes the connection. */
  close: () => Promise<void>;
  /** The database file, for error messages. */
  path: string;
  /**
   * Prefix of the store's tables.
   * @default 'chatflow'
   */
  namespace?: string;
  /**
   * The clock that judges TTLs.
   * @default Date.now
   */
  now?: () => number;
}

interface RecordRow {
  rev: number;
  value: string;
  expires: number | null;
}

interface BlobRow {
  bytes: Uint8Array;
  expires: number | null;
}

/** How often, at most, a write purges expired rows. */
const purgeIntervalMs = 60_000;
/** Keys read per page by `keys()`. */
const keyPageSize = 500;

/**
 * A {@link SessionStore} in SQLite tables beside the Keyv table, on the same connection.
 * Every write is one `BEGIN IMMEDIATE` transaction, so compare-and-set and its index
 * update are atomic across processes sharing the file; within the process the store's
 * operations run one at a time. Blobs are `BLOB` columns (raw bytes). TTLs live in an
 * `expires` column honoured on every read and purged by writes. A locked file waits at
 * most the connection's busy timeout, then fails with `StoreUnavailableError`.
 *
 * @example
 * ```ts
 * const adapter = new KeyvSqlite({ uri: 'sqlite://bot.db', busyTimeout: 2000 });
 * const store = new SqliteSessionStore({ query: adapter.query, close: adapter.close, path: 'bot.db' });
 * ```
 */
export class SqliteSessionStore implements SessionStore {
  readonly backend = 'sqlite';
  readonly address: string;
  readonly atomic = true;

  readonly #query: SqliteQuery;
  readonly #closeConnection: () => Promise<void>;
  readonly #sql: SqliteStatements;
  readonly #now: () => number;
  readonly #run: SerialQueue = createSerialQueue();
  #schema: Promise<void> | undefined;
  #lastPurge = Number.NEGATIVE_INFINITY;
  #closed = false;

  constructor(options: SqliteSessionStoreOptions) {
    this.address = options.path;
    this.#query = options.query;
    this.#closeConnection = options.close;
    this.#sql = sqliteStatements(options.namespace ?? 'chatflow');
    this.#now = options.now ?? Date.now;
    // Open the connection and create the tables now; a failure is reported by the
    // first operation, which tries again.
    this.#ensureSchema().catch(() => undefined);
  }

  get(key: string): Promise<StoredRecord | undefined> {
    return this.#read('read a record', async () => {
      const row = (await this.#rows<RecordRow>(this.#sql.getRecord, key))[0];
      if (row === undefined || this.#isExpired(row.expires)) return undefined;
      return { value: row.value, revision: row.rev };
    });
  }

  async compareAndSet(
    key: string,
    expectedRevision: number,
    record: StoredRecord,
    options: WriteOptions = {},
  ): Promise<boolean> {
    const ttl = normalizeTtl(options.ttlMs);
    return this.#write('write a record', async (now) => {
      const expires = ttl === undefined ? null : now + ttl;
      if (expectedRevision === 0) return this.#insertRecord(key, record, expires, now, options);
      const written = await this.#rows(
        this.#sql.updateRecord,
        record.revision,
        record.value,
        expires,
        key,
        expectedRevision,
        now,
      );
      if (written.length === 0) return false;
      await this.#addMember(options);
      return true;
    });
  }

  /**
   * Inserts a record where no live row is (an expired one is replaced) and adds it to its
   * index; resolves `false`, writing nothing, when a live row holds the key.
   */
  async #insertRecord(
    key: string,
    record: StoredRecord,
    expires: number | null,
    now: number,
    options: WriteOptions,
  ): Promise<boolean> {
    const written = await this.#rows(
      this.#sql.insertRecord,
      key,
      record.revision,
      record.value,
      expires,
      now,
    );
    if (written.length === 0) return false;
    await this.#addMember(options);
    return true;
  }

  async #addMember(options: WriteOptions): Promise<void> {
    if (options.index !== undefined) {
      await this.#query(this.#sql.addMember, options.index.key, options.index.member);
    }
  }

  createOrGet(
    key: string,
    record: StoredRecord,
    options: WriteOptions = {},
  ): Promise<StoredRecord | undefined> {
    const ttl = normalizeTtl(options.ttlMs);
    return this.#write('write a record', async (now) => {
      const expires = ttl === undefined ? null : now + ttl;
      if (await this.#insertRecord(key, record, expires, now, options)) return undefined;
      // The insert gives way only to a live row, read in the same transaction.
      const row = (await this.#rows<RecordRow>(this.#sql.getRecord, key))[0] as RecordRow;
      return { value: row.value, revision: row.rev };
    });
  }

  delete(key: string, options: Pick<WriteOptions, 'index'> = {}): Promise<boolean> {
    return this.#write('delete a record', async (now) => {
      const row = (await this.#rows<Pick<RecordRow, 'expires'>>(this.#sql.deleteRecord, key))[0];
      if (options.index !== undefined) {
        await this.#query(this.#sql.removeMember, options.index.key, options.index.member);
      }
      return row !== undefined && !this.#isExpired(row.expires, now);
    });
  }

  getBytes(key: string): Promise<Uint8Array | undefined> {
    return this.#read('read a blob', async () => {
      const row = (await this.#rows<BlobRow>(this.#sql.getBlob, key))[0];
      if (row === undefined || this.#isExpired(row.expires)) return undefined;
      return new Uint8Array(row.bytes.buffer, row.bytes.byteOffset, row.bytes.byteLength);
    });
  }

  async setBytes(
    key: string,
    bytes: Uint8Array,
    options: Pick<WriteOptions, 'ttlMs'> = {},
  ): Promise<void> {
    const ttl = normalizeTtl(options.ttlMs);
    return this.#write('write a blob', async (now) => {
      const blob = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      await this.#query(this.#sql.upsertBlob, key, blob, ttl === undefined ? null : now + ttl);
    });
  }

  deleteBytes(key: string): Promise<boolean> {
    return this.#write('delete a blob', async (now) => {
      const row = (await this.#rows<Pick<BlobRow, 'expires'>>(this.#sql.deleteBlob, key))[0];
      return row !== undefined && !this.#isExpired(row.expires, now);
    });
  }

  members(key: string): Promise<string[]> {
    return this.#read('read a set', async () => {
      const rows = await this.#rows<{ member: string }>(this.#sql.members, key);
      return rows.map((row) => row.member);
    });
  }

  async *keys(prefix: string): AsyncIterable<string> {
    let last: string | undefined;
    for (;;) {
      const bound = last ?? prefix;
      const page = await this.#read('list keys', async () => {
        const now = this.#now();
        const sql = last === undefined ? this.#sql.firstKeys : this.#sql.nextKeys;
        return this.#rows<{ key: string }>(sql, bound, now, bound, now, bound, keyPageSize);
      });
      for (const { key } of page) {
        if (!key.startsWith(prefix)) return;
        yield key;
        last = key;
      }
      if (page.length < keyPageSize) return;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#run(async () => {
      try {
        await this.#closeConnection();
      } catch (cause) {
        throw this.#unavailable('close the database', cause);
      }
    });
  }

  #isExpired(expires: number | null, now = this.#now()): boolean {
    return expires !== null && expires <= now;
  }

  async #rows<T = unknown>(sql: string, ...params: unknown[]): Promise<T[]> {
    return (await this.#query(sql, ...params)) as T[];
  }

  #ensureSchema(): Promise<void> {
    this.#schema ??= (async () => {
      await this.#query('PRAGMA journal_mode = WAL');
      for (const statement of this.#sql.schema) await this.#query(statement);
    })().catch((error: unknown) => {
      this.#schema = undefined;
      throw error;
    });
    return this.#schema;
  }

  #read<T>(what: string, task: () => Promise<T>): Promise<T> {
    return this.#run(async () => {
      this.#assertOpen();
      try {
        await this.#ensureSchema();
        return await task();
      } catch (cause) {
        throw this.#unavailable(what, cause);
      }
    });
  }

  #write<T>(what: string, task: (now: number) => Promise<T>): Promise<T> {
    return this.#run(async () => {
      this.#assertOpen();
      try {
        await this.#ensureSchema();
        await this.#query('BEGIN IMMEDIATE');
      } catch (cause) {
        throw this.#unavailable(what, cause);
      }
      try {
        const now = this.#now();
        if (now - this.#lastPurge >= purgeIntervalMs) {
          for (const statement of this.#sql.purgeExpired) await this.#query(statement, now);
          this.#lastPurge = now;
        }
        const result = await task(now);
        await this.#query('COMMIT');
        return result;
      } catch (cause) {
        await this.#query('ROLLBACK').catch(() => undefined);
        throw this.#unavailable(what, cause);
      }
    });
  }

  #assertOpen(): void {
    if (this.#closed)
      throw new StoreUnavailableError(this.backend, this.address, 'the store is closed');
  }

  #unavailable(what: string, cause: unknown): StoreUnavailableError {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new StoreUnavailableError(this.backend, this.address, `could not ${what}: ${reason}`, {
      cause,
    });
  }
}
