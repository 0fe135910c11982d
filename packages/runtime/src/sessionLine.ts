import { WorkflowInterruptedError } from './errors.ts';
import { createKeyedQueue } from './keyedQueue.ts';

/**
 * One session, one line: every operation on a session runs after the ones that arrived
 * before it, one at a time; sessions run in parallel. Starting or cancelling a workflow
 * interrupts the events still waiting in the line for the workflow it replaces: they
 * reject with `WorkflowInterruptedError` instead of reaching the new one.
 */
export interface SessionLines {
  /** Queues an operation on the session's line. */
  run<T>(sessionKey: string, operation: () => Promise<T>): Promise<T>;
  /**
   * Queues an event for the current workflow: when a workflow start or cancel is
   * called after this one was queued and before it runs, it rejects with
   * `WorkflowInterruptedError` without running.
   */
  runForWorkflow<T>(sessionKey: string, operation: () => Promise<T>): Promise<T>;
  /** Marks the current workflow as replaced for every operation already waiting. */
  interrupt(sessionKey: string): void;
  /** True while the session has operations running or waiting. */
  isBusy(sessionKey: string): boolean;
  /** The number of sessions with operations running or waiting. */
  readonly size: number;
  /** Resolves once every line is empty, including operations queued meanwhile. */
  drain(): Promise<void>;
}

/**
 * Creates the per-session lines of a runtime. A line's entry (its promise chain and its
 * workflow epoch) is removed as soon as it drains.
 *
 * @example
 * ```ts
 * const lines = createSessionLines();
 * await lines.run(storageKey, async () => commitStep());
 * ```
 */
export function createSessionLines(): SessionLines {
  const queue = createKeyedQueue();
  const epochs = new Map<string, number>();

  function forget(sessionKey: string): void {
    if (!queue.isBusy(sessionKey)) epochs.delete(sessionKey);
  }

  function run<T>(sessionKey: string, operation: () => Promise<T>): Promise<T> {
    const result = queue.run(sessionKey, operation);
    // The chain's entry is gone once the last operation settled; the epoch goes with it.
    void result.then(
      () => queueMicrotask(() => forget(sessionKey)),
      () => queueMicrotask(() => forget(sessionKey)),
    );
    return result;
  }

  return {
    run,
    runForWorkflow(sessionKey, operation) {
      const epoch = epochs.get(sessionKey) ?? 0;
      return run(sessionKey, () => {
        if ((epochs.get(sessionKey) ?? 0) !== epoch) {
          return Promise.reject(
            new WorkflowInterruptedError(
              'The workflow this event was meant for was cancelled or replaced before the event ran.',
            ),
          );
        }
        return operation();
      });
    },
    interrupt(sessionKey) {
      if (queue.isBusy(sessionKey)) epochs.set(sessionKey, (epochs.get(sessionKey) ?? 0) + 1);
    },
    isBusy: (sessionKey) => queue.isBusy(sessionKey),
    get size() {
      return queue.size;
    },
    drain: () => queue.drain(),
  };
}
