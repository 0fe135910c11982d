import type { Logger } from 'pino';
import { ChatflowError, StoreUnavailableError } from './errors.ts';
import type { SessionStore } from './sessionStore.ts';

/** The store as the runtime calls it: faults typed, outcomes remembered for `health()`. */
export interface StoreAccess {
  readonly store: SessionStore;
  /** Runs one store operation; a failure becomes a `StoreUnavailableError`. */
  call<T>(operation: (store: SessionStore) => Promise<T>): Promise<T>;
  /** The last failure, while the store has not answered since. */
  readonly lastError: { at: number; message: string } | undefined;
}

/**
 * Wraps a {@link SessionStore} so every failure is a `StoreUnavailableError` (a store
 * implementation's own one is kept; anything else is wrapped, naming backend and
 * address) and the last outcome is known.
 *
 * @example
 * ```ts
 * const access = createStoreAccess(store, Date.now, logger);
 * const stored = await access.call((s) => s.get(key));
 * ```
 */
export function createStoreAccess(
  store: SessionStore,
  now: () => number,
  logger: Logger,
): StoreAccess {
  let lastError: { at: number; message: string } | undefined;
  return {
    store,
    async call(operation) {
      try {
        const result = await operation(store);
        lastError = undefined;
        return result;
      } catch (error) {
        const fault =
          error instanceof ChatflowError
            ? error
            : new StoreUnavailableError(
                store.backend,
                store.address,
                error instanceof Error ? error.message : String(error),
                { cause: error },
              );
        if (fault instanceof StoreUnavailableError) {
          lastError = { at: now(), message: fault.message };
          logger.warn({ backend: store.backend, error: fault.message }, 'chatflow store failed');
        }
        throw fault;
      }
    },
    get lastError() {
      return lastError;
    },
  };
}
