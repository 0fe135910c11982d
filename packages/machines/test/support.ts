import type { AnyActorRef } from 'xstate';

/**
 * Records every error an actor reports. Subscribe before `start()`: without an error
 * observer XState reports a failing guard or action asynchronously, out of the test.
 */
export function watchErrors(actor: AnyActorRef): unknown[] {
  const errors: unknown[] = [];
  actor.subscribe({ error: (error) => errors.push(error) });
  return errors;
}

/** A promise with its resolve and reject, to settle invoked work when a test decides. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
}

/** Creates a {@link Deferred}. */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
