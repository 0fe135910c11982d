/** How a promise ended within a time bound, or that it did not. */
export type Settlement<T> =
  | { status: 'fulfilled'; value: T; ms: number }
  | { status: 'rejected'; reason: unknown; ms: number }
  | { status: 'hung'; ms: number };

/**
 * Waits for `promise` at most `boundMs` (real time): a guard that a call did not hang,
 * never a speed assertion. The promise keeps running if it did not settle.
 *
 * @example
 * ```ts
 * const outcome = await settleWithin(runtime.getSession(key), 5 * commandTimeoutMs);
 * expect(outcome.status).toBe('rejected');
 * ```
 */
export function settleWithin<T>(promise: Promise<T>, boundMs: number): Promise<Settlement<T>> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ status: 'hung', ms: ms() }), boundMs);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve({ status: 'fulfilled', value, ms: ms() });
      },
      (reason: unknown) => {
        clearTimeout(timer);
        resolve({ status: 'rejected', reason, ms: ms() });
      },
    );
  });
}
