import { sessionStoreSymbol } from '@chatflow/runtime';
import KeyvRedis from '@keyv/redis';
import { Keyv } from 'keyv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore, RedisSessionStore } from '../../src/redis/index.ts';
import { storeConformance } from '../storeConformance.ts';
import {
  deleteNamespace,
  localRedisUrl,
  requireLocalRedis,
  uniqueNamespace,
  withRawClient,
} from '../support/redisServer.ts';

const used: string[] = [];
const realWait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

beforeAll(requireLocalRedis);
afterAll(async () => {
  for (const namespace of used) await deleteNamespace(namespace);
});

function makeStore(namespace = uniqueNamespace()) {
  used.push(namespace);
  return createRedisStore(localRedisUrl, { namespace });
}

storeConformance('redis', async () => {
  const namespace = uniqueNamespace();
  const keyv = makeStore(namespace);
  return {
    keyv,
    elapse: realWait,
    dispose: async () => {
      await keyv[sessionStoreSymbol].close();
      await deleteNamespace(namespace);
    },
  };
});

describe('createRedisStore', () => {
  it('should be a Keyv on @keyv/redis sharing one connection with the session store', async () => {
    const namespace = uniqueNamespace();
    const keyv = makeStore(namespace);
    expect(keyv).toBeInstanceOf(Keyv);
    expect(keyv.store).toBeInstanceOf(KeyvRedis);
    expect(keyv.throwOnErrors).toBe(true);
    expect(keyv[sessionStoreSymbol]).toBeInstanceOf(RedisSessionStore);
    await keyv.set('a', 1);
    await keyv[sessionStoreSymbol].compareAndSet('s', 0, { value: 'v', revision: 1 });
    expect(await keyv.get('a')).toBe(1);
    const clients = await withRawClient((client) => client.sendCommand<string>(['CLIENT', 'LIST']));
    const named = clients
      .split('\n')
      .filter((line) => line.includes(` name=chatflow:${namespace} `));
    expect(named).toHaveLength(1);
    await keyv[sessionStoreSymbol].close();
    expect((keyv.store as KeyvRedis<unknown>).client.isOpen).toBe(false);
  });

  it('should lay keys out as documented, with no doubled Keyv prefix', async () => {
    const namespace = uniqueNamespace();
    const keyv = makeStore(namespace);
    const store = keyv[sessionStoreSymbol];
    await keyv.set('plain', 'x');
    await store.compareAndSet(
      'rec:{u1}:c',
      0,
      { value: 'v', revision: 3 },
      {
        index: { key: 'idx:{u1}', member: 'rec:{u1}:c' },
        ttlMs: 60_000,
      },
    );
    await store.setBytes('blob:{u1}', Uint8Array.from([0, 128, 255]));
    const seen = await withRawClient(async (client) => ({
      keys: (await client.keys(`${namespace}:*`)).sort(),
      record: await client.hGetAll(`${namespace}:s:rec:{u1}:c`),
      ttl: await client.pTTL(`${namespace}:s:rec:{u1}:c`),
      index: await client.sMembers(`${namespace}:s:idx:{u1}`),
      blob: await client.sendCommand<string>(['STRLEN', `${namespace}:s:blob:{u1}`]),
    }));
    expect(seen.keys).toEqual(
      [
        `${namespace}:kv:plain`,
        `${namespace}:s:blob:{u1}`,
        `${namespace}:s:idx:{u1}`,
        `${namespace}:s:rec:{u1}:c`,
      ].sort(),
    );
    expect(seen.record).toEqual({ rev: '3', val: 'v' });
    expect(seen.ttl).toBeGreaterThan(0);
    expect(seen.ttl).toBeLessThanOrEqual(60_000);
    expect(seen.index).toEqual(['rec:{u1}:c']);
    expect(seen.blob).toBe(3);
    await store.close();
  });

  it('should serve from db 1 when the URL names it', async () => {
    const namespace = uniqueNamespace();
    const keyv = createRedisStore(`${localRedisUrl}/1`, { namespace });
    const store = keyv[sessionStoreSymbol];
    expect(store.address).toBe('127.0.0.1:6379/1');
    await store.compareAndSet('s', 0, { value: 'v', revision: 1 });
    const inDb1 = await withRawClient(
      (client) => client.exists(`${namespace}:s:s`),
      `${localRedisUrl}/1`,
    );
    const inDb0 = await withRawClient((client) => client.exists(`${namespace}:s:s`));
    await store.delete('s');
    await store.close();
    expect([inDb1, inDb0]).toEqual([1, 0]);
  });

  it('should run compare-and-set again after the server forgot its scripts', async () => {
    const keyv = makeStore();
    const store = keyv[sessionStoreSymbol];
    await store.compareAndSet('s', 0, { value: 'v', revision: 1 });
    await withRawClient((client) => client.sendCommand(['SCRIPT', 'FLUSH']));
    expect(await store.compareAndSet('s', 1, { value: 'w', revision: 2 })).toBe(true);
    expect(await store.delete('s')).toBe(true);
    await store.close();
  });

  it('should let exactly one writer win across two connections', async () => {
    const namespace = uniqueNamespace();
    const stores = [makeStore(namespace), makeStore(namespace)].map(
      (keyv) => keyv[sessionStoreSymbol],
    );
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        stores[i % 2]?.compareAndSet('race', 0, { value: `writer-${i}`, revision: 1 }),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    await Promise.all(stores.map((store) => store?.close()));
  });
});
