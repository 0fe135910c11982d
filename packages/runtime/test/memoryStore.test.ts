import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../src/memoryStore.ts';
import { describeSessionStore } from './support/sessionStoreSuite.ts';

describeSessionStore('createMemoryStore', () => {
  let time = 1_000_000;
  return { store: createMemoryStore({ now: () => time }), advance: (ms) => (time += ms) };
});

describe('createMemoryStore', () => {
  it('should keep its own copy of the bytes it is given', async () => {
    const store = createMemoryStore();
    const bytes = new Uint8Array([1, 2, 3]);
    await store.setBytes('b', bytes);
    bytes[0] = 9;
    expect(Array.from((await store.getBytes('b')) ?? [])).toEqual([1, 2, 3]);
  });

  it('should describe itself', () => {
    const store = createMemoryStore();
    expect([store.backend, store.address, store.atomic]).toEqual(['memory', 'in-process', false]);
  });
});
