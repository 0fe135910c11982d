import type { RuntimeClock } from './types.ts';

/**
 * The runtime's default {@link RuntimeClock}: Node's timers, `unref()`'d so a pending
 * workflow timer never keeps the process alive.
 *
 * @example
 * ```ts
 * const handle = systemClock.setTimeout(() => remind(), 60_000);
 * systemClock.clearTimeout(handle);
 * ```
 */
export const systemClock: RuntimeClock = {
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    handle.unref?.();
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};
