export { ConnectionKeyvRedis } from './ConnectionKeyvRedis.ts';
export { createRedisStore } from './createRedisStore.ts';
export {
  type RedisClient,
  RedisConnection,
  type RedisConnectionOptions,
} from './RedisConnection.ts';
export { RedisSessionStore, type RedisSessionStoreOptions } from './RedisSessionStore.ts';
export { escapeGlob, redisKeyLayout } from './redisKeyLayout.ts';
