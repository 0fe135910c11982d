import { type SessionStore, sessionStoreSymbol } from '@chatflow/runtime';
import type { Keyv } from 'keyv';
import type { ChatflowStore } from './types.ts';

/**
 * Puts `store` on `keyv` under `sessionStoreSymbol` (not enumerable, not writable), so
 * the runtime finds the backend's atomic operations on the Keyv it is given.
 *
 * @example
 * ```ts
 * const store = attachSessionStore(new Keyv(), new MemorySessionStore());
 * store[sessionStoreSymbol].backend; // 'memory'
 * ```
 */
export function attachSessionStore(keyv: Keyv, store: SessionStore): ChatflowStore {
  Object.defineProperty(keyv, sessionStoreSymbol, {
    value: store,
    enumerable: false,
    writable: false,
    configurable: false,
  });
  return keyv as ChatflowStore;
}
