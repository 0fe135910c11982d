import type { JsonValue } from './types.ts';

/**
 * The largest result, in characters of JSON, a machine keeps in its context.
 *
 * @default 1_000_000
 */
export const maxResultLength = 1_000_000;

/**
 * Copies the output of invoked work into plain JSON, so the machine's context stays
 * serializable. Never throws.
 *
 * @param value - what the invoked work resolved to
 * @returns a JSON copy, or `undefined` when the value is not JSON (a function, a
 * BigInt, a cycle, `undefined`) or its JSON is longer than {@link maxResultLength}
 */
export function toJsonResult(value: unknown): JsonValue | undefined {
  try {
    const text = JSON.stringify(value);
    if (typeof text !== 'string' || text.length > maxResultLength) return undefined;
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

/**
 * Tells whether a value is an object that is not an array (JSON's object).
 *
 * @param value - a JSON value, or anything
 * @returns true for a JSON object
 */
export function isJsonObject(value: unknown): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
