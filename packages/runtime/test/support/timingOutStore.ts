import { createMemoryStore } from '../../src/memoryStore.ts';
import type { SessionStore } from '../../src/sessionStore.ts';

/**
 * A memory store whose next compare-and-set, once `control.applyThenFail` is set, is
 * applied and then fails, as a call that timed out after the backend took it would.
 *
 * @example
 * ```ts
 * const { store, control } = createTimingOutStore();
 * control.applyThenFail = true; // the next write lands, and its caller sees an error
 * ```
 */
export function createTimingOutStore() {
  const inner = createMemoryStore();
  const control = { applyThenFail: false };
  const store: SessionStore = {
    ...inner,
    backend: inner.backend,
    address: inner.address,
    atomic: inner.atomic,
    async compareAndSet(storageKey, expected, record, options) {
      const written = await inner.compareAndSet(storageKey, expected, record, options);
      if (control.applyThenFail) {
        control.applyThenFail = false;
        throw new Error('command timed out');
      }
      return written;
    },
  };
  return { store, control };
}
