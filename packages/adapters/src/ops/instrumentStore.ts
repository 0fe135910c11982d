import { resolveSessionStore, type SessionStore } from '@chatflow/runtime';
import type { Keyv } from 'keyv';

/** The store operations {@link instrumentStore} times, as the `operation` label. */
export type StoreOperation =
  | 'get'
  | 'compareAndSet'
  | 'delete'
  | 'getBytes'
  | 'setBytes'
  | 'deleteBytes'
  | 'members'
  | 'keys';

/** Receives one timing per store operation. */
export type StoreTimingObserver = (timing: {
  operation: StoreOperation;
  /** The store's backend name (`memory`, `sqlite`, `redis`, `keyv`). */
  backend: string;
  /** `ok`, or `error` when the operation threw. */
  outcome: 'ok' | 'error';
  /** Wall time of the operation in seconds. */
  seconds: number;
}) => void;

/**
 * Wraps a store so every operation reports its duration and outcome to `observe`, for
 * instance into a Prometheus histogram (`metrics.observeStoreTiming`). The wrapper
 * changes nothing else: same results, same errors, same `backend`, `address` and
 * `atomic`. Give the runtime the wrapper as its `store`.
 *
 * @param store - What the runtime's `store` option takes: a `SessionStore`, a Keyv
 * from `createStore` (its `SessionStore` is timed), or a plain Keyv (wrapped the way the
 * runtime wraps it).
 * @param observe - Called after each operation, also when it failed.
 * @param clock - Monotonic clock in milliseconds. @default performance.now
 *
 * @example
 * ```ts
 * const metrics = createChatflowMetrics();
 * const store = instrumentStore(createStore('sqlite://sessions.db'), metrics.observeStoreTiming);
 * const runtime = createRuntime({ workflows, store });
 * await createOpsServer({ runtime, metrics }); // attaches the runtime to the metrics
 * ```
 */
export function instrumentStore(
  target: Keyv | SessionStore,
  observe: StoreTimingObserver,
  clock: () => number = () => performance.now(),
): SessionStore {
  const store = resolveSessionStore(target);
  const timed = async <T>(operation: StoreOperation, run: () => Promise<T>): Promise<T> => {
    const started = clock();
    let outcome: 'ok' | 'error' = 'error';
    try {
      const result = await run();
      outcome = 'ok';
      return result;
    } finally {
      observe({ operation, backend: store.backend, outcome, seconds: (clock() - started) / 1000 });
    }
  };
  return {
    get backend() {
      return store.backend;
    },
    get address() {
      return store.address;
    },
    get atomic() {
      return store.atomic;
    },
    get: (key) => timed('get', () => store.get(key)),
    compareAndSet: (key, expectedRevision, record, options) =>
      timed('compareAndSet', () => store.compareAndSet(key, expectedRevision, record, options)),
    delete: (key, options) => timed('delete', () => store.delete(key, options)),
    getBytes: (key) => timed('getBytes', () => store.getBytes(key)),
    setBytes: (key, bytes, options) => timed('setBytes', () => store.setBytes(key, bytes, options)),
    deleteBytes: (key) => timed('deleteBytes', () => store.deleteBytes(key)),
    members: (key) => timed('members', () => store.members(key)),
    keys: (prefix) =>
      timedKeys(
        store.keys(prefix),
        (seconds, outcome) =>
          observe({ operation: 'keys', backend: store.backend, outcome, seconds }),
        clock,
      ),
    close: () => store.close(),
  };
}

/** Times a whole key listing, from the first request to the last key (or an early stop). */
async function* timedKeys(
  keys: AsyncIterable<string>,
  report: (seconds: number, outcome: 'ok' | 'error') => void,
  clock: () => number,
): AsyncIterable<string> {
  const started = clock();
  let outcome: 'ok' | 'error' = 'ok';
  try {
    yield* keys;
  } catch (error) {
    outcome = 'error';
    throw error;
  } finally {
    report((clock() - started) / 1000, outcome);
  }
}
