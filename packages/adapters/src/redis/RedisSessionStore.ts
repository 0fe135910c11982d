import type { SessionStore, StoredRecord, WriteOptions } from '@chatflow/runtime';
import { normalizeTtl } from '../normalizeTtl.ts';
import type { RedisClient, RedisConnection } from './RedisConnection.ts';
import { escapeGlob, redisKeyLayout } from './redisKeyLayout.ts';
import {
  compareAndSetScript,
  createOrGetScript,
  deleteScript,
  type LuaScript,
} from './redisScripts.ts';

/** Options of {@link RedisSessionStore}. */
export interface RedisSessionStoreOptions {
  /** The connection, shared with the store's Keyv. */
  connection: RedisConnection;
  /**
   * Prefix of every key: the store's keys are `<namespace>:s:<key>`.
   * @default 'chatflow'
   */
  namespace?: string;
}

/** The RESP type of a bulk string (`$`), mapped to `Buffer` to read blobs as raw bytes. */
const respBlobString = 36;
/** Keys asked for per `SCAN` call. */
const scanCount = 1000;

/**
 * A {@link SessionStore} on Redis. Compare-and-set, the record's TTL and its index
 * membership happen in one server-side Lua script (`EVALSHA`, falling back to `EVAL`),
 * so they are atomic across every process sharing the server; a delete and its index
 * removal likewise. Records are hashes `{ rev, val }`, blobs raw bytes, indexes sets;
 * `keys()` walks `SCAN MATCH` with the prefix's glob characters escaped. Every call
 * fails with `StoreUnavailableError` within the connection's timeouts when Redis is
 * unreachable or stalled.
 *
 * @example
 * ```ts
 * const store = new RedisSessionStore({ connection, namespace: 'chatflow' });
 * await store.compareAndSet('session:{42}:chat', 0, { value: '{}', revision: 1 }, { ttlMs: 60_000 });
 * ```
 */
export class RedisSessionStore implements SessionStore {
  readonly backend = 'redis';
  readonly address: string;
  readonly atomic = true;

  readonly #connection: RedisConnection;
  readonly #prefix: string;

  constructor(options: RedisSessionStoreOptions) {
    this.#connection = options.connection;
    this.address = options.connection.address;
    this.#prefix = redisKeyLayout.sessionPrefix(options.namespace ?? 'chatflow');
  }

  get(key: string): Promise<StoredRecord | undefined> {
    return this.#connection.run('read a record', async (client) => {
      const [rev, val] = await client.sendCommand<(string | null)[]>([
        'HMGET',
        this.#prefix + key,
        'rev',
        'val',
      ]);
      if (rev === null || rev === undefined || val === null || val === undefined) return undefined;
      return { value: val, revision: Number(rev) };
    });
  }

  async compareAndSet(
    key: string,
    expectedRevision: number,
    record: StoredRecord,
    options: WriteOptions = {},
  ): Promise<boolean> {
    const [keys, args] = this.#writeArguments(key, expectedRevision, record, options);
    const written = await this.#connection.run('write a record', (client) =>
      this.#evaluate(client, compareAndSetScript, keys, args),
    );
    return written === 1;
  }

  async createOrGet(
    key: string,
    record: StoredRecord,
    options: WriteOptions = {},
  ): Promise<StoredRecord | undefined> {
    const [keys, args] = this.#writeArguments(key, 0, record, options);
    const outcome = await this.#connection.run('write a record', (client) =>
      this.#evaluate(client, createOrGetScript, keys, args),
    );
    if (!Array.isArray(outcome)) return undefined;
    const [revision, value] = outcome as [string, string];
    return { value, revision: Number(revision) };
  }

  async delete(key: string, options: Pick<WriteOptions, 'index'> = {}): Promise<boolean> {
    const keys = [this.#prefix + key];
    const args: string[] = [];
    if (options.index !== undefined) {
      keys.push(this.#prefix + options.index.key);
      args.push(options.index.member);
    }
    const removed = await this.#connection.run('delete a record', (client) =>
      this.#evaluate(client, deleteScript, keys, args),
    );
    return removed === 1;
  }

  getBytes(key: string): Promise<Uint8Array | undefined> {
    return this.#connection.run('read a blob', async (client) => {
      const bytes = await client.sendCommand<Buffer | null>(['GET', this.#prefix + key], {
        typeMapping: { [respBlobString]: Buffer },
      });
      if (bytes === null) return undefined;
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    });
  }

  async setBytes(
    key: string,
    bytes: Uint8Array,
    options: Pick<WriteOptions, 'ttlMs'> = {},
  ): Promise<void> {
    const ttl = normalizeTtl(options.ttlMs);
    const value = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const command = ['SET', this.#prefix + key, value];
    if (ttl !== undefined) command.push('PX', String(ttl));
    await this.#connection.run('write a blob', (client) => client.sendCommand(command));
  }

  async deleteBytes(key: string): Promise<boolean> {
    const removed = await this.#connection.run('delete a blob', (client) =>
      client.sendCommand<number>(['DEL', this.#prefix + key]),
    );
    return removed === 1;
  }

  members(key: string): Promise<string[]> {
    return this.#connection.run('read a set', (client) =>
      client.sendCommand<string[]>(['SMEMBERS', this.#prefix + key]),
    );
  }

  async *keys(prefix: string): AsyncIterable<string> {
    const match = `${escapeGlob(this.#prefix + prefix)}*`;
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const [next, page] = await this.#connection.run('list keys', (client) =>
        client.sendCommand<[string, string[]]>([
          'SCAN',
          cursor,
          'MATCH',
          match,
          'COUNT',
          String(scanCount),
        ]),
      );
      cursor = next;
      for (const found of page) {
        // SCAN may return a key twice; MATCH already checked the prefix.
        if (seen.has(found)) continue;
        seen.add(found);
        yield found.slice(this.#prefix.length);
      }
    } while (cursor !== '0');
  }

  /** Closes the shared connection (the store's Keyv stops working too). */
  close(): Promise<void> {
    return this.#connection.close();
  }

  /** KEYS and ARGV of the record-writing scripts. */
  #writeArguments(
    key: string,
    expectedRevision: number,
    record: StoredRecord,
    options: WriteOptions,
  ): [keys: string[], args: string[]] {
    const ttl = normalizeTtl(options.ttlMs) ?? 0;
    const keys = [this.#prefix + key];
    const args = [String(expectedRevision), String(record.revision), record.value, String(ttl)];
    if (options.index !== undefined) {
      keys.push(this.#prefix + options.index.key);
      args.push(options.index.member);
    }
    return [keys, args];
  }

  async #evaluate(
    client: RedisClient,
    script: LuaScript,
    keys: string[],
    args: string[],
  ): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await client.sendCommand(['EVALSHA', script.sha, ...tail]);
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
      return client.sendCommand(['EVAL', script.source, ...tail]);
    }
  }
}
