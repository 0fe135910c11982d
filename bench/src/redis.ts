/**
 * The Redis the Redis scenarios share: a dedicated database index on 127.0.0.1:6379,
 * every key of the benchmark under {@link BENCH_KEY_PREFIX}, removed after each
 * scenario (never `FLUSHDB`, so nothing else in that database is touched).
 */
import { Redis } from 'ioredis';
import { errorMessage } from './harness.ts';

/** The benchmark's Redis: database 11 of the local server. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379/11';

/** Every key the benchmark writes starts with (or, under Keyv's namespace, contains) this. */
export const BENCH_KEY_PREFIX = 'chatflow_bench';

/** An ioredis client that fails fast instead of queueing commands while disconnected. */
export function connectRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2000, lazyConnect: false });
}

/** The server's version, or why it cannot be reached. */
export async function probeRedis(
  url: string,
): Promise<{ ok: true; version: string } | { ok: false; reason: string }> {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 0,
    connectTimeout: 1500,
    lazyConnect: true,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    const info = await redis.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    return { ok: true, version };
  } catch (error) {
    return { ok: false, reason: `no Redis at ${url}: ${errorMessage(error)}` };
  } finally {
    redis.disconnect();
  }
}

/**
 * Deletes every key matching `pattern` (a `SCAN MATCH` glob) and returns how many.
 *
 * @example
 * ```ts
 * await deleteKeys(redis, `*${BENCH_KEY_PREFIX}*`);
 * ```
 */
export async function deleteKeys(redis: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
