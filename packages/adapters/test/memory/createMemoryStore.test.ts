import { sessionStoreSymbol } from '@chatflow/runtime';
import { Keyv } from 'keyv';
import { describe, expect, it } from 'vitest';
import { createMemoryStore, MemorySessionStore } from '../../src/index.ts';
import { storeConformance } from '../storeConformance.ts';

storeConformance('memory', async () => {
  let now = 1_700_000_000_000;
  const keyv = createMemoryStore({ now: () => now });
  return {
    keyv,
    elapse: async (ms) => {
      now += ms;
    },
    dispose: () => keyv[sessionStoreSymbol].close(),
  };
});

describe('createMemoryStore', () => {
  it('should return a Keyv carrying a MemorySessionStore', () => {
    const keyv = createMemoryStore();
    expect(keyv).toBeInstanceOf(Keyv);
    expect(keyv[sessionStoreSymbol]).toBeInstanceOf(MemorySessionStore);
    expect(Object.keys(keyv)).not.toContain(String(sessionStoreSymbol));
  });

  it('should give each store its own data', async () => {
    const first = createMemoryStore()[sessionStoreSymbol];
    const second = createMemoryStore()[sessionStoreSymbol];
    await first.compareAndSet('s', 0, { value: 'one', revision: 1 });
    expect(await second.get('s')).toBeUndefined();
  });
});

describe('MemorySessionStore', () => {
  it('should expire a record exactly when its TTL ends on the injected clock', async () => {
    let now = 0;
    const store = new MemorySessionStore({ now: () => now });
    await store.compareAndSet('s', 0, { value: 'v', revision: 1 }, { ttlMs: 1000 });
    now = 999;
    expect(await store.get('s')).toEqual({ value: 'v', revision: 1 });
    now = 1000;
    expect(await store.get('s')).toBeUndefined();
  });

  it('should keep its own copy of a blob', async () => {
    const store = new MemorySessionStore();
    const bytes = new Uint8Array([1, 2, 3]);
    await store.setBytes('b', bytes);
    bytes[0] = 99;
    const read = await store.getBytes('b');
    expect(read).toEqual(new Uint8Array([1, 2, 3]));
    if (read) read[1] = 99;
    expect(await store.getBytes('b')).toEqual(new Uint8Array([1, 2, 3]));
  });
});
