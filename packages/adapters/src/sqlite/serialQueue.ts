/** Runs tasks one at a time, in the order they were queued. */
export type SerialQueue = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * A queue that runs each task after the previous one settled, whatever its outcome.
 * The SQLite store runs its statements through one, so a transaction's statements are
 * never interleaved with another operation's on the shared connection.
 *
 * @example
 * ```ts
 * const run = createSerialQueue();
 * await Promise.all([run(() => first()), run(() => second())]); // second starts after first
 * ```
 */
export function createSerialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const result = tail.then(task, task);
    tail = result.catch(() => undefined);
    return result;
  };
}
