import { createMemoryStore } from '../../src/memoryStore.ts';
import type { SessionStore } from '../../src/sessionStore.ts';

/** A memory store that counts reads and can be told to lose every compare-and-set. */
export function createCountingStore(now?: () => number) {
  const inner = createMemoryStore(now === undefined ? {} : { now });
  const counts = { get: 0, compareAndSet: 0 };
  const control = { loseEveryWrite: false };
  const store: SessionStore = {
    ...inner,
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
  return { store, counts, control };
}
