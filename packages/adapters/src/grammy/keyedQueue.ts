/** Runs tasks one at a time per key, in the order they were queued; keys run in parallel. */
export interface KeyedQueue {
  /**
   * Queues `task` behind every task already queued under `key` and resolves (or
   * rejects) with its outcome. A failing task does not stop the tasks behind it.
   */
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
  /** Keys with queued or running tasks. */
  readonly size: number;
  /** Resolves once every task queued so far has settled. */
  drain(): Promise<void>;
}

/**
 * Creates a {@link KeyedQueue}. A key whose tasks have all settled leaves nothing behind,
 * so an idle chat costs no memory.
 *
 * @example
 * ```ts
 * const queue = createKeyedQueue();
 * await queue.run(String(chatId), () => ctx.reply('first'));
 * ```
 */
export function createKeyedQueue(): KeyedQueue {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const result = previous.then(task);
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
    get size() {
      return tails.size;
    },
    async drain() {
      while (tails.size > 0) await Promise.all(tails.values());
    },
  };
}
