import type { AnyEventObject, StateValue } from 'xstate';

const MAX_SUMMARY = 40;

/**
 * Describes an event in a few characters: its type and a summary of its payload, e.g.
 * `target.selected(price)`, `features.selected([area, rooms])`,
 * `data.uploaded(houses)` (an object reads as its `name` or `id`),
 * `xstate.error.actor.training(disk full)` (an error reads as its message).
 *
 * @example
 * ```ts
 * describeEvent({ type: 'features.selected', columns: ['area', 'rooms'] });
 * // 'features.selected([area, rooms])'
 * ```
 */
export function describeEvent(event: AnyEventObject): string {
  const { type, ...payload } = event;
  if (type.startsWith('xstate.')) {
    // XState's done and error events repeat the invoke id of their type.
    delete payload.actorId;
  }
  const parts = Object.values(payload)
    .filter((value) => value !== undefined)
    .map((value) => summarize(value, 0));
  if (parts.length === 0) {
    return type;
  }
  const summary = parts.join(', ');
  return `${type}(${summary.length > MAX_SUMMARY ? `${summary.slice(0, MAX_SUMMARY - 1)}…` : summary})`;
}

/** A state value in a few characters: `training`, or `{"a":"b"}` for a nested one. */
export function describeStateValue(value: StateValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function summarize(value: unknown, depth: number): string {
  if (value === null || typeof value !== 'object') {
    return String(value);
  }
  if (value instanceof Error) {
    return value.message;
  }
  if (Array.isArray(value)) {
    return depth > 0 ? '[…]' : `[${value.map((item) => summarize(item, depth + 1)).join(', ')}]`;
  }
  for (const key of ['name', 'id', 'modelId']) {
    const named = (value as Record<string, unknown>)[key];
    if (typeof named === 'string' || typeof named === 'number') {
      return String(named);
    }
  }
  return '{…}';
}
