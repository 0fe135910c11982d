/**
 * Runs asynchronous tasks one at a time per key, in arrival order, and tasks of
 * different keys in parallel. A key's entry is removed as soon as its last task
 * settles, so an idle key costs nothing.
 */
export interface KeyedQueue {
  /** Runs `task` after every task queued before it on `key`; settles as `task` does. */
  run<T>(key: string, task: () => Promise<T> | T): Promise<T>;
  /** True while `key` has a task running or waiting. */
  isBusy(key: string): boolean;
  /** The number of keys with tasks running or waiting. */
  readonly size: number;
  /** Resolves once no key has a task, including tasks queued while waiting. */
  drain(): Promise<void>;
}

interface Chain {
  tail: Promise<unknown>;
  pending: number;
}

/**
 * Creates a {@link KeyedQueue}: a per-key promise chain, used as the per-session line
 * of the runtime and as the per-key mutex of the Keyv-backed store.
 *
 * @example
 * ```ts
 * const queue = createKeyedQueue();
 * const [a, b] = await Promise.all([
 *   queue.run('session-1', () => write(1)),
 *   queue.run('session-1', () => write(2)), // starts once the first write settled
 * ]);
 * ```
 */
export function createKeyedQueue(): KeyedQueue {
  const chains = new Map<string, Chain>();

  function run<T>(key: string, task: () => Promise<T> | T): Promise<T> {
    let chain = chains.get(key);
    if (chain === undefined) {
      chain = { tail: Promise.resolve(), pending: 0 };
      chains.set(key, chain);
    }
    const current = chain;
    current.pending += 1;
    const result = current.tail.then(() => task());
    current.tail = result.then(
      () => settle(key, current),
      () => settle(key, current),
    );
    return result;
  }

  function settle(key: string, chain: Chain): void {
    chain.pending -= 1;
    if (chain.pending === 0 && chains.get(key) === chain) chains.delete(key);
  }

  async function drain(): Promise<void> {
    while (chains.size > 0) {
      await Promise.all([...chains.values()].map((chain) => chain.tail));
    }
  }

  return {
    run,
    isBusy: (key) => chains.has(key),
    get size() {
      return chains.size;
    },
    drain,
  };
}
