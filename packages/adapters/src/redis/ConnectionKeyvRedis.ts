import KeyvRedis, { type KeyvRedisOptions, type RedisClientConnectionType } from '@keyv/redis';
import type { KeyvEntry } from 'keyv';
import type { RedisConnection } from './RedisConnection.ts';

/**
 * `@keyv/redis`'s adapter on a shared {@link RedisConnection}, so a store's Keyv and its
 * session store use one socket. Instead of connecting on its own, the adapter waits for
 * the shared connection (at most the connect timeout), and each Keyv operation waits at
 * most the command timeout: like the session store, the Keyv fails with
 * `StoreUnavailableError` instead of hanging while Redis is unreachable or stalled.
 *
 * @example
 * ```ts
 * const adapter = new ConnectionKeyvRedis(connection, { namespace: 'chatflow:kv', keyPrefixSeparator: ':' });
 * const keyv = new Keyv({ store: adapter, namespace: 'chatflow:kv', useKeyPrefix: false });
 * ```
 */
export class ConnectionKeyvRedis<T = unknown> extends KeyvRedis<T> {
  readonly #connection: RedisConnection;

  constructor(connection: RedisConnection, options: KeyvRedisOptions) {
    super(connection.client as RedisClientConnectionType, options);
    this.#connection = connection;
  }

  override async getClient(): Promise<RedisClientConnectionType> {
    await this.#connection.whenReady();
    return this.client;
  }

  override get<U = T>(key: string): Promise<U | undefined> {
    return this.#connection.run('read a value', () => super.get<U>(key));
  }

  override getMany<U = T>(keys: string[]): Promise<Array<U | undefined>> {
    return this.#connection.run('read values', () => super.getMany<U>(keys));
  }

  override set(key: string, value: string, ttl?: number): Promise<void> {
    return this.#connection.run('write a value', () => super.set(key, value, ttl));
  }

  override setMany(entries: KeyvEntry[]): Promise<void> {
    return this.#connection.run('write values', () => super.setMany(entries));
  }

  override has(key: string): Promise<boolean> {
    return this.#connection.run('look up a value', () => super.has(key));
  }

  override hasMany(keys: string[]): Promise<boolean[]> {
    return this.#connection.run('look up values', () => super.hasMany(keys));
  }

  override delete(key: string): Promise<boolean> {
    return this.#connection.run('delete a value', () => super.delete(key));
  }

  override deleteMany(keys: string[]): Promise<boolean> {
    return this.#connection.run('delete values', () => super.deleteMany(keys));
  }

  override clear(): Promise<void> {
    return this.#connection.run('clear the namespace', () => super.clear());
  }

  /** Closes the shared connection: the session store stops working too. */
  override disconnect(): Promise<void> {
    return this.#connection.close();
  }
}
