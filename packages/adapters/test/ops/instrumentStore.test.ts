import { workflows } from '@chatflow/machines';
import { createRuntime, type SessionStore, sessionStoreSymbol } from '@chatflow/runtime';
import { Keyv } from 'keyv';
import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/createStore.ts';
import { instrumentStore, type StoreTimingObserver } from '../../src/ops/index.ts';

type Timing = Parameters<StoreTimingObserver>[0];

/** A clock that moves 4 ms each time it is read. */
function steppingClock() {
  let now = 1000;
  return () => {
    now += 4;
    return now;
  };
}

describe('instrumentStore', () => {
  it('should time every operation of a store from createStore and change nothing else', async () => {
    const timings: Timing[] = [];
    const inner = createStore('memory')[sessionStoreSymbol];
    const store = instrumentStore(createStore('memory'), (timing) => timings.push(timing));
    expect(store.backend).toBe(inner.backend);
    expect(store.atomic).toBe(inner.atomic);

    expect(await store.compareAndSet('k', 0, { value: 'v1', revision: 1 })).toBe(true);
    expect(await store.compareAndSet('k', 0, { value: 'v2', revision: 1 })).toBe(false);
    expect(await store.get('k')).toEqual({ value: 'v1', revision: 1 });
    await store.setBytes('b', new Uint8Array([1, 2, 3]));
    expect(await store.getBytes('b')).toEqual(new Uint8Array([1, 2, 3]));
    expect(await store.deleteBytes('b')).toBe(true);
    expect(await store.members('idx')).toEqual([]);
    const keys: string[] = [];
    for await (const key of store.keys('')) keys.push(key);
    expect(keys).toContain('k');
    expect(await store.delete('k')).toBe(true);
    await store.close();

    expect(timings.map((timing) => timing.operation)).toEqual([
      'compareAndSet',
      'compareAndSet',
      'get',
      'setBytes',
      'getBytes',
      'deleteBytes',
      'members',
      'keys',
      'delete',
    ]);
    for (const timing of timings) {
      expect(timing.backend).toBe('memory');
      expect(timing.outcome).toBe('ok');
      expect(timing.seconds).toBeGreaterThanOrEqual(0);
    }
  });

  it('should measure with the clock it is given', async () => {
    const timings: Timing[] = [];
    const store = instrumentStore(
      createStore('memory'),
      (timing) => timings.push(timing),
      steppingClock(),
    );
    await store.get('missing');
    expect(timings).toEqual([
      { operation: 'get', backend: 'memory', outcome: 'ok', seconds: 0.004 },
    ]);
  });

  it('should report a failed operation and rethrow its error unchanged', async () => {
    const failure = new Error('disk I/O error');
    const inner = createStore('memory')[sessionStoreSymbol];
    const broken: SessionStore = Object.create(inner, {
      compareAndSet: { value: async () => Promise.reject(failure) },
    });
    const timings: Timing[] = [];
    const store = instrumentStore(broken, (timing) => timings.push(timing));
    await expect(store.compareAndSet('k', 0, { value: 'v', revision: 1 })).rejects.toBe(failure);
    expect(timings).toMatchObject([{ operation: 'compareAndSet', outcome: 'error' }]);
  });

  it('should wrap a plain Keyv the way the runtime does', async () => {
    const timings: Timing[] = [];
    const store = instrumentStore(new Keyv(), (timing) => timings.push(timing));
    expect(store.backend).toBe('keyv');
    await store.compareAndSet('k', 0, { value: 'v', revision: 1 });
    expect(await store.get('k')).toEqual({ value: 'v', revision: 1 });
    expect(timings.map((timing) => [timing.backend, timing.operation])).toEqual([
      ['keyv', 'compareAndSet'],
      ['keyv', 'get'],
    ]);
  });

  it("should see the runtime's own store traffic when given to a runtime", async () => {
    const timings: Timing[] = [];
    const runtime = createRuntime({
      workflows,
      store: instrumentStore(createStore('memory'), (timing) => timings.push(timing)),
    });
    const key = { userId: 9, conversationId: 'c-9' };
    await runtime.getOrCreateSession(key);
    await runtime.startWorkflow(key, 'data_exploration');
    await runtime.shutdown();
    const writes = timings.filter((timing) => timing.operation === 'compareAndSet');
    expect(writes.length).toBeGreaterThanOrEqual(2);
  });
});
