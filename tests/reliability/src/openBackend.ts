import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChatflowStore, createStore } from '@chatflow/adapters';
import { sessionStoreSymbol } from '@chatflow/runtime';
import { connectRawRedis, type RawRedisClient } from './rawRedisClient.ts';
import { type RedisServer, startRedisServer } from './redisServer.ts';

/** The backends every store-facing promise is tested on. */
export const backendNames = ['memory', 'sqlite', 'redis'] as const;
/** One of {@link backendNames}. */
export type BackendName = (typeof backendNames)[number];

/** A store on a real backend of the test's own, and raw access to what it holds. */
export interface OpenBackend {
  readonly name: BackendName;
  readonly store: ChatflowStore;
  /** SQLite: the database file. */
  readonly file?: string;
  /** Redis: the server of this test. */
  readonly redis?: RedisServer;
  /** Runs SQL on the SQLite file through a connection of its own. */
  sql(statement: string, ...params: unknown[]): Promise<unknown[]>;
  /** A raw connection to the Redis server. */
  rawRedis(): Promise<RawRedisClient>;
  /** Closes the store, stops the server and removes the files. */
  close(): Promise<void>;
}

/**
 * Opens a store on `name`: in memory, in an SQLite file in a fresh temporary directory,
 * or on a redis-server of its own (no persistence) on a free port.
 *
 * @example
 * ```ts
 * const backend = await openBackend('redis');
 * const runtime = createRuntime({ workflows, store: backend.store });
 * await backend.close();
 * ```
 */
export async function openBackend(
  name: BackendName,
  options: { commandTimeoutMs?: number } = {},
): Promise<OpenBackend> {
  const directory = mkdtempSync(join(tmpdir(), `chatflow-${name}-`));
  const storeOptions = { commandTimeoutMs: options.commandTimeoutMs ?? 5000 };
  let redis: RedisServer | undefined;
  let url = 'memory';
  let file: string | undefined;
  if (name === 'sqlite') {
    file = join(directory, 'store.db');
    url = `sqlite://${file}`;
  } else if (name === 'redis') {
    redis = await startRedisServer({ dir: directory });
    url = redis.url;
  }
  const store = createStore(url, storeOptions);
  let probe: ChatflowStore | undefined;
  const clients: RawRedisClient[] = [];
  return {
    name,
    store,
    ...(file === undefined ? {} : { file }),
    ...(redis === undefined ? {} : { redis }),
    async sql(statement, ...params) {
      if (file === undefined) throw new Error(`${name} has no SQL`);
      probe ??= createStore(`sqlite://${file}`, storeOptions);
      const adapter = probe.store as {
        query(sql: string, ...args: unknown[]): Promise<unknown[]>;
      };
      return adapter.query(statement, ...params);
    },
    async rawRedis() {
      if (redis === undefined) throw new Error(`${name} is not Redis`);
      const client = await connectRawRedis(redis.port);
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.close();
      await probe?.[sessionStoreSymbol].close();
      await store[sessionStoreSymbol].close();
      await redis?.stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
