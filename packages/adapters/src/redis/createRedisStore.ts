import { ConfigError } from '@chatflow/runtime';
import { Keyv } from 'keyv';
import { attachSessionStore } from '../attachSessionStore.ts';
import { parseStoreUrl, redactUrl } from '../parseStoreUrl.ts';
import { resolveStoreOptions } from '../resolveStoreOptions.ts';
import type { ChatflowStore, StoreOptions } from '../types.ts';
import { ConnectionKeyvRedis } from './ConnectionKeyvRedis.ts';
import { RedisConnection } from './RedisConnection.ts';
import { RedisSessionStore } from './RedisSessionStore.ts';
import { redisKeyLayout } from './redisKeyLayout.ts';

/**
 * A store on Redis: a Keyv on `@keyv/redis` and a {@link RedisSessionStore}, sharing one
 * connection that opens in the background and reconnects by itself. Keys:
 * `<namespace>:s:<key>` for the session store, `<namespace>:kv:<key>` for the Keyv
 * (no doubled prefix). Calls fail with `StoreUnavailableError` (never hang) while Redis
 * is unreachable; the same store serves again once it is back. Close it with
 * `store[sessionStoreSymbol].close()` or `keyv.disconnect()`.
 *
 * @param url - `redis://[user:password@]host:port[/db]` or `rediss://...` (TLS).
 * @throws ConfigError when the URL or an option is not accepted.
 * @example
 * ```ts
 * const store = createRedisStore('redis://localhost:6379/0', { commandTimeoutMs: 1000 });
 * const runtime = createRuntime({ workflows, store });
 * ```
 */
export function createRedisStore(url: string, options: StoreOptions = {}): ChatflowStore {
  const target = parseStoreUrl(url);
  if (target.backend !== 'redis') {
    throw new ConfigError(
      'url',
      `createRedisStore takes a "redis://host:port[/db]" or "rediss://..." URL, got ${JSON.stringify(redactUrl(url))}.`,
    );
  }
  const resolved = resolveStoreOptions(options);
  const connection = new RedisConnection({
    url: target.url,
    address: target.address,
    connectTimeoutMs: resolved.connectTimeoutMs,
    commandTimeoutMs: resolved.commandTimeoutMs,
    name: `chatflow:${resolved.namespace}`,
  });
  const keyvNamespace = redisKeyLayout.keyvNamespace(resolved.namespace);
  const adapter = new ConnectionKeyvRedis(connection, {
    namespace: keyvNamespace,
    keyPrefixSeparator: ':',
    throwOnErrors: true,
  });
  const keyv = new Keyv({
    store: adapter,
    namespace: keyvNamespace,
    useKeyPrefix: false,
    throwOnErrors: true,
  });
  const store = new RedisSessionStore({ connection, namespace: resolved.namespace });
  connection.connect();
  return attachSessionStore(keyv, store);
}
