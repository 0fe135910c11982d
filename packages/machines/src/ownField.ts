/**
 * Reads one field of an untrusted value, such as an event that may be malformed or the
 * output of invoked work: only an own property counts (nothing is read through the
 * prototype chain), and anything that is not an object yields `undefined`.
 *
 * @param value - the value as it arrived, trusted for nothing
 * @param key - the field to read
 * @returns the field's value, or `undefined` when there is no such own field
 */
export function ownField(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) {
    return undefined;
  }
  return (value as Record<string, unknown>)[key];
}
