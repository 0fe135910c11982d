import { createMemoryStore } from '../../src/memoryStore.ts';
import type { SessionStore } from '../../src/sessionStore.ts';

/**
 * A memory store that counts its record calls and can be told to lose every
 * compare-and-set. `withoutCreateOrGet` leaves out the optional `createOrGet`, as a
 * store that does not have it.
 */
export function createCountingStore(now?: () => number, { withoutCreateOrGet = false } = {}) {
  const inner = createMemoryStore(now === undefined ? {} : { now });
  const counts = { get: 0, compareAndSet: 0, createOrGet: 0 };
  const control = { loseEveryWrite: false };
  const { createOrGet: _createOrGet, ...rest } = inner;
  const store: SessionStore = {
    ...rest,
    backend: inner.backend,
    address: inner.address,
    atomic: inner.atomic,
    get(key) {
      counts.get += 1;
      return inner.get(key);
    },
    async compareAndSet(key, expected, record, options) {
      counts.compareAndSet += 1;
      if (control.loseEveryWrite) return false;
      return inner.compareAndSet(key, expected, record, options);
    },
  };
  if (!withoutCreateOrGet) {
    store.createOrGet = (key, record, options) => {
      counts.createOrGet += 1;
      return (inner.createOrGet as NonNullable<SessionStore['createOrGet']>)(key, record, options);
    };
  }
  return { store, counts, control };
}
