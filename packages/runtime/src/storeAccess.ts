import type { Logger } from 'pino';
import { ChatflowError, StoreUnavailableError } from './errors.ts';
import type { SessionStore } from './sessionStore.ts';

/** The store as the runtime calls it: faults typed, outcomes remembered for `health()`. */
export interface StoreAccess {
  readonly store: SessionStore;
  /**
   * Runs one store operation, a read or (by default) a write; a failure becomes a
   * `StoreUnavailableError`.
   */
  call<T>(operation: (store: SessionStore) => Promise<T>, kind?: 'read' | 'write'): Promise<T>;
  /**
   * The last failure while the last operation of its kind failed: a store whose reads
   * work but whose writes fail stays degraded until a write succeeds.
   */
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
  const lastErrors: Record<'read' | 'write', { at: number; message: string } | undefined> = {
    read: undefined,
    write: undefined,
  };
  return {
    store,
    async call(operation, kind = 'write') {
      try {
        const result = await operation(store);
        lastErrors[kind] = undefined;
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
          lastErrors[kind] = { at: now(), message: fault.message };
          logger.warn({ backend: store.backend, error: fault.message }, 'chatflow store failed');
        }
        throw fault;
      }
    },
    get lastError() {
      const { read, write } = lastErrors;
      if (read === undefined) return write;
      if (write === undefined) return read;
      return read.at >= write.at ? read : write;
    },
  };
}
