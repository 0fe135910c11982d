import type { Keyv } from 'keyv';
import { createKeyvSessionStore } from './keyvSessionStore.ts';
import { type SessionStore, sessionStoreSymbol } from './sessionStore.ts';

function isSessionStore(value: unknown): value is SessionStore {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<SessionStore>;
  return (
    typeof candidate.compareAndSet === 'function' &&
    typeof candidate.get === 'function' &&
    typeof candidate.getBytes === 'function' &&
    typeof candidate.members === 'function'
  );
}

/**
 * Turns the runtime's `store` option into a {@link SessionStore}: a Keyv carrying one
 * at `sessionStoreSymbol` gives it; a `SessionStore` is used as it is; any other Keyv
 * is wrapped with {@link createKeyvSessionStore}.
 *
 * @example
 * ```ts
 * const store = resolveSessionStore(new Keyv());
 * store.backend; // 'keyv'
 * ```
 */
export function resolveSessionStore(store: Keyv | SessionStore): SessionStore {
  const carried = (store as unknown as Record<symbol, unknown>)[sessionStoreSymbol];
  if (isSessionStore(carried)) return carried;
  if (isSessionStore(store)) return store;
  const keyv = store as Keyv;
  if (typeof keyv.getRaw !== 'function' || typeof keyv.set !== 'function') {
    throw new TypeError('The store option takes a Keyv or a SessionStore.');
  }
  return createKeyvSessionStore(keyv);
}
