import { join } from 'node:path';
import { ConfigError, sessionStoreSymbol } from '@chatflow/runtime';
import { Keyv } from 'keyv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../src/index.ts';
import { deleteNamespace, requireLocalRedis, uniqueNamespace } from './support/redisServer.ts';
import { temporaryDirectory } from './support/temporaryDirectory.ts';

const directory = temporaryDirectory();
const namespace = uniqueNamespace();
beforeAll(requireLocalRedis);
afterAll(async () => {
  directory.remove();
  await deleteNamespace(namespace);
});

describe('createStore', () => {
  it.each([
    ['memory', 'memory', 'in-process'],
    [`sqlite://${join(directory.path, 'a.db')}`, 'sqlite', join(directory.path, 'a.db')],
    ['sqlite://:memory:', 'sqlite', ':memory:'],
    ['redis://127.0.0.1:6379', 'redis', '127.0.0.1:6379'],
  ])(
    'should give a working Keyv for %s with its %s session store',
    async (url, backend, address) => {
      const keyv = createStore(url, { namespace });
      expect(keyv).toBeInstanceOf(Keyv);
      const store = keyv[sessionStoreSymbol];
      expect(store).toMatchObject({ backend, address, atomic: true });
      await keyv.set('a', 1);
      expect(await keyv.get('a')).toBe(1);
      expect(await store.compareAndSet('s', 0, { value: 'v', revision: 1 })).toBe(true);
      expect(await store.get('s')).toEqual({ value: 'v', revision: 1 });
      await keyv.delete('a');
      await store.delete('s');
      await store.close();
    },
  );

  it('should refuse an unknown scheme with a ConfigError', () => {
    expect(() => createStore('mongodb://localhost/app')).toThrow(ConfigError);
    expect(() => createStore('mongodb://localhost/app')).toThrow(/Accepted: "memory"/);
  });

  it('should refuse a bad option before connecting to anything', () => {
    expect(() => createStore('redis://127.0.0.1:6379', { commandTimeoutMs: 0 })).toThrow(
      ConfigError,
    );
  });
});
