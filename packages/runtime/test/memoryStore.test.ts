import { tableFromArrays } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { tableToBytes } from '../src/dataset.ts';
import { createMemoryStore } from '../src/memoryStore.ts';
import { describeSessionStore } from './support/sessionStoreSuite.ts';

describeSessionStore('createMemoryStore', () => {
  let time = 1_000_000;
  return { store: createMemoryStore({ now: () => time }), advance: (ms) => (time += ms) };
});

describe('createMemoryStore', () => {
  it('should create with createOrGet where no record is, and hand back the one that is', async () => {
    let time = 1_000_000;
    const store = createMemoryStore({ now: () => time });
    const index = { key: 'idx', member: 'k' };
    expect(await store.createOrGet?.('k', { value: 'first', revision: 5 }, { index })).toBe(
      undefined,
    );
    expect(await store.members('idx')).toEqual(['k']);
    expect(await store.createOrGet?.('k', { value: 'second', revision: 9 }, { ttlMs: 1 })).toEqual({
      value: 'first',
      revision: 5,
    });
    expect(await store.get('k')).toEqual({ value: 'first', revision: 5 });
    await store.compareAndSet('k', 5, { value: 'short-lived', revision: 6 }, { ttlMs: 100 });
    time += 100;
    expect(await store.createOrGet?.('k', { value: 'after expiry', revision: 2 })).toBe(undefined);
    expect(await store.get('k')).toEqual({ value: 'after expiry', revision: 2 });
  });

  it('should keep its own copy of the bytes it is given', async () => {
    const store = createMemoryStore();
    const bytes = new Uint8Array([1, 2, 3]);
    await store.setBytes('b', bytes);
    bytes[0] = 9;
    expect(Array.from((await store.getBytes('b')) ?? [])).toEqual([1, 2, 3]);
  });

  it('should keep the bytes the runtime serialized as they are, and hand out copies', async () => {
    const store = createMemoryStore();
    const owned = tableToBytes(tableFromArrays({ x: Float64Array.from([1, 2, 3]) }));
    await store.setBytes('owned', owned);
    // Kept, not copied: no one but the store holds these bytes once storeData returns.
    owned[owned.length - 1] = 0x5a;
    const read = (await store.getBytes('owned')) as Uint8Array;
    expect(read[read.length - 1]).toBe(0x5a);
    // What is read is a copy: changing it changes nothing stored.
    read[0] = 0x00;
    expect((await store.getBytes('owned'))?.[0]).toBe(0xff);
    // Bytes anyone else gives are copied, even a copy of the runtime's.
    const theirs = owned.slice();
    await store.setBytes('theirs', theirs);
    theirs[0] = 0x01;
    expect((await store.getBytes('theirs'))?.[0]).toBe(0xff);
  });

  it('should describe itself', () => {
    const store = createMemoryStore();
    expect([store.backend, store.address, store.atomic]).toEqual(['memory', 'in-process', false]);
  });
});
