import KeyvRedis, { type KeyvRedisOptions, type RedisClientConnectionType } from '@keyv/redis';
import type { RedisConnection } from './RedisConnection.ts';

/**
 * `@keyv/redis`'s adapter on a shared {@link RedisConnection}: instead of connecting on
 * its own, every Keyv call waits (at most the connect timeout) for the shared
 * connection to be ready, so the Keyv and the session store use one socket.
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
}
