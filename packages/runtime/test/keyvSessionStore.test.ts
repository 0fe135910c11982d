import { Keyv, type KeyvStoreAdapter } from 'keyv';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StoreUnavailableError } from '../src/errors.ts';
import { createKeyvSessionStore } from '../src/keyvSessionStore.ts';
import { createMemoryStore } from '../src/memoryStore.ts';
import { resolveSessionStore } from '../src/resolveSessionStore.ts';
import { sessionStoreSymbol } from '../src/sessionStore.ts';
import { createFlakyKeyv } from './support/flakyKeyv.ts';
import { describeSessionStore } from './support/sessionStoreSuite.ts';

function fakeClock() {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(1_000_000);
  return {
    advance: (ms: number) => vi.setSystemTime(Date.now() + ms),
    cleanup: () => vi.useRealTimers(),
  };
}

describeSessionStore('createKeyvSessionStore(new Keyv())', () => ({
  store: createKeyvSessionStore(new Keyv()),
  ...fakeClock(),
}));

describeSessionStore('createKeyvSessionStore over a Keyv without namespace', () => ({
  store: createKeyvSessionStore(new Keyv({ namespace: '' })),
  ...fakeClock(),
}));

describe('createKeyvSessionStore', () => {
  afterEach(() => vi.useRealTimers());

  it('should return the same store for the same Keyv, so runtimes sharing it share the mutex', () => {
    const keyv = new Keyv();
    expect(createKeyvSessionStore(keyv)).toBe(createKeyvSessionStore(keyv));
    expect(createKeyvSessionStore(new Keyv())).not.toBe(createKeyvSessionStore(keyv));
  });

  it('should store a record as a JSON envelope and bytes as base64', async () => {
    const keyv = new Keyv();
    const store = createKeyvSessionStore(keyv);
    await store.compareAndSet('k', 0, { value: '{"x":1}', revision: 1 });
    await store.setBytes('b', new Uint8Array([0, 255, 1]));
    expect(JSON.parse(String(await keyv.get('k')))).toEqual({ revision: 1, value: '{"x":1}' });
    expect(await keyv.get('b')).toBe(Buffer.from([0, 255, 1]).toString('base64'));
  });

  it('should hand over a value it did not write as revision 1, and replace it by compare-and-set', async () => {
    const keyv = new Keyv();
    const store = createKeyvSessionStore(keyv);
    await keyv.set('k', 'not json {');
    expect(await store.get('k')).toEqual({ value: 'not json {', revision: 1 });
    expect(await store.compareAndSet('k', 1, { value: 'fresh', revision: 2 })).toBe(true);
    expect(await store.get('k')).toEqual({ value: 'fresh', revision: 2 });
  });

  it('should throw StoreUnavailableError when reads fail, never answer undefined', async () => {
    const flaky = createFlakyKeyv();
    const store = createKeyvSessionStore(flaky.keyv);
    await store.compareAndSet('k', 0, { value: 'v', revision: 1 });
    flaky.failReads = true;
    const error = await store.get('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).code).toBe('STORE_UNAVAILABLE');
    expect((error as StoreUnavailableError).backend).toBe('keyv');
    expect((error as StoreUnavailableError).address).toBe('redis://cache.example:6379');
    expect((error as Error).message).not.toContain('secret');
    expect((error as Error).cause).toBeInstanceOf(Error);
    await expect(store.getBytes('k')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.members('k')).rejects.toBeInstanceOf(StoreUnavailableError);
    flaky.failReads = false;
    expect(await store.get('k')).toEqual({ value: 'v', revision: 1 });
  });

  it('should throw StoreUnavailableError when writes fail, leaving the record as it was', async () => {
    const flaky = createFlakyKeyv();
    const store = createKeyvSessionStore(flaky.keyv);
    await store.compareAndSet('k', 0, { value: 'v', revision: 1 });
    flaky.failWrites = true;
    await expect(store.compareAndSet('k', 1, { value: 'w', revision: 2 })).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    await expect(store.setBytes('b', new Uint8Array([1]))).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    await expect(store.delete('k')).rejects.toBeInstanceOf(StoreUnavailableError);
    flaky.failWrites = false;
    expect(await store.get('k')).toEqual({ value: 'v', revision: 1 });
    expect(await store.compareAndSet('k', 1, { value: 'w', revision: 2 })).toBe(true);
  });

  it('should fail a read whose adapter swallowed its error and emitted it', async () => {
    const listeners: ((error: unknown) => void)[] = [];
    let down = false;
    const map = new Map<string, unknown>();
    const adapter = {
      async get(key: string) {
        if (down) {
          for (const listener of listeners) listener(new Error('socket closed'));
          return undefined;
        }
        return map.get(key);
      },
      async set(key: string, value: unknown) {
        map.set(key, value);
        return true;
      },
      delete: async (key: string) => map.delete(key),
      clear: async () => map.clear(),
      on(event: string, listener: (error: unknown) => void) {
        if (event === 'error') listeners.push(listener);
        return adapter;
      },
    };
    const store = createKeyvSessionStore(
      new Keyv({ store: adapter as unknown as KeyvStoreAdapter }),
    );
    await store.compareAndSet('k', 0, { value: 'v', revision: 1 });
    down = true;
    const error = await store.get('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toContain('socket closed');
    down = false;
    expect(await store.get('k')).toEqual({ value: 'v', revision: 1 });
  });

  it('should treat a set answering false as a failed write', async () => {
    const map = new Map<string, unknown>();
    const adapter = {
      get: async (key: string) => map.get(key),
      set: async () => false,
      delete: async (key: string) => map.delete(key),
      clear: async () => map.clear(),
      on: () => adapter,
    } as unknown as KeyvStoreAdapter;
    const store = createKeyvSessionStore(new Keyv({ store: adapter }));
    await expect(store.compareAndSet('k', 0, { value: 'v', revision: 1 })).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
  });

  it('should refuse to list keys when the adapter has no iterator', async () => {
    const map = new Map<string, unknown>();
    const adapter = {
      get: async (key: string) => map.get(key),
      set: async (key: string, value: unknown) => {
        map.set(key, value);
        return true;
      },
      delete: async (key: string) => map.delete(key),
      clear: async () => map.clear(),
      on: () => adapter,
    } as unknown as KeyvStoreAdapter;
    const store = createKeyvSessionStore(new Keyv({ store: adapter }));
    const iterator = store.keys('chatflow:')[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});

describe('resolveSessionStore', () => {
  it('should use the SessionStore a Keyv carries', () => {
    const carried = createMemoryStore();
    const keyv = Object.assign(new Keyv(), { [sessionStoreSymbol]: carried });
    expect(resolveSessionStore(keyv)).toBe(carried);
  });

  it('should take a SessionStore as it is and wrap a plain Keyv', () => {
    const store = createMemoryStore();
    expect(resolveSessionStore(store)).toBe(store);
    expect(resolveSessionStore(new Keyv()).backend).toBe('keyv');
  });

  it('should refuse anything else', () => {
    expect(() => resolveSessionStore({} as Keyv)).toThrow(TypeError);
  });
});
