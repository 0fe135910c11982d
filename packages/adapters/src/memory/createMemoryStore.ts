import { Keyv } from 'keyv';
import { attachSessionStore } from '../attachSessionStore.ts';
import { resolveStoreOptions } from '../resolveStoreOptions.ts';
import type { ChatflowStore, StoreOptions } from '../types.ts';
import { MemorySessionStore } from './MemorySessionStore.ts';

/**
 * An in-process store: a plain Keyv on a `Map` carrying a {@link MemorySessionStore}.
 * Nothing survives the process; use it for tests and single-process bots.
 *
 * @example
 * ```ts
 * const store = createMemoryStore({ now: () => clock.now });
 * const runtime = createRuntime({ workflows, store });
 * ```
 */
export function createMemoryStore(options: StoreOptions = {}): ChatflowStore {
  const resolved = resolveStoreOptions(options);
  const keyv = new Keyv({ namespace: resolved.namespace, throwOnErrors: true });
  return attachSessionStore(keyv, new MemorySessionStore({ now: resolved.now }));
}
