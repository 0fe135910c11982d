import { copyValue } from './copyValue.ts';

/**
 * Gives `target` an enumerable property `name` whose value is a copy of `source`, made
 * on first read (and kept): a step result's or an event's context is a copy, so changing
 * it changes nothing in the runtime, but whoever never reads it does not pay for copying
 * it. Assigning the property replaces it with the assigned value.
 *
 * @example
 * ```ts
 * const result = { ok: true } as StepSuccess;
 * copiedOnRead(result, 'context', snapshot.context);
 * ```
 */
export function copiedOnRead(target: object, name: string, source: unknown): void {
  let copy: unknown;
  let copied = false;
  Object.defineProperty(target, name, {
    enumerable: true,
    configurable: true,
    get() {
      if (!copied) {
        copy = copyValue(source);
        copied = true;
      }
      return copy;
    },
    set(value: unknown) {
      Object.defineProperty(target, name, {
        value,
        enumerable: true,
        configurable: true,
        writable: true,
      });
    },
  });
}
