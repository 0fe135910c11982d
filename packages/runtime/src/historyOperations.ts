import { normalizeSessionKey, sessionStorageKey } from './keys.ts';
import { messageIdOf } from './messageId.ts';
import type { RuntimeCore } from './runtimeCore.ts';
import { retry } from './sessionAccess.ts';
import type { HistoryMessage, HistoryMessageInput, HistoryOptions, SessionKey } from './types.ts';

const historyRoles = new Set(['user', 'assistant', 'system']);

/** What history metadata may hold, for error messages. */
const metadataAccepted =
  'metadata must be JSON: a plain object of strings, finite numbers, booleans, null, arrays and plain objects (a property set to undefined is left out)';
/** The deepest nesting of arrays and objects history metadata may have. */
export const maxMetadataDepth = 100;

/** The mark that ends a history text cut to `maxHistoryTextLength`. */
function historyCutMark(removed: number): string {
  return ` … [${removed} more characters cut]`;
}

/**
 * `text` when it fits in `limit` characters (UTF-16 code units); otherwise its start,
 * cut so that a surrogate pair is never split, followed by {@link historyCutMark}, the
 * whole at most `limit` long.
 *
 * @example
 * ```ts
 * cutHistoryText('x'.repeat(100), 64); // 36 x's, then ' … [64 more characters cut]'
 * ```
 */
export function cutHistoryText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  // The mark for the most that could be removed is at least as long as the real one.
  let kept = Math.max(0, limit - historyCutMark(text.length).length);
  const last = text.charCodeAt(kept - 1);
  if (kept > 0 && last >= 0xd800 && last <= 0xdbff) kept -= 1;
  return `${text.slice(0, kept)}${historyCutMark(text.length - kept)}`;
}

/** A problem found in metadata, at a path. */
class MetadataProblem {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {}
}

function pathOf(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return `${parent}.${key}`;
  const quoted = JSON.stringify(key);
  return `${parent}[${quoted.length > 40 ? `${quoted.slice(0, 37)}..."` : quoted}]`;
}

/** What a value that is not JSON is, in words. */
function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'bigint':
      return 'a bigint';
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    case 'undefined':
      return 'undefined';
    case 'number':
      return String(value);
    default: {
      const name = (() => {
        try {
          return (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)
            ?.constructor?.name;
        } catch {
          return undefined;
        }
      })();
      return typeof name === 'string' && name !== ''
        ? `an instance of ${name.slice(0, 40)}`
        : 'an object that is not a plain object';
    }
  }
}

/**
 * A copy of `value` made of JSON values only, or a {@link MetadataProblem} thrown at the
 * first value that is not one. `ancestors` are the objects above `value` (a cycle).
 */
function copyJson(
  value: unknown,
  path: string,
  ancestors: { value: object; path: string }[],
): unknown {
  try {
    return copyValue(value, path, ancestors);
  } catch (error) {
    if (error instanceof MetadataProblem) throw error;
    // A proxy's trap threw (or was revoked) while the value was looked at.
    const reason = error instanceof Error ? error.message : String(error);
    throw new MetadataProblem(path, `cannot be read (${reason.slice(0, 100)})`);
  }
}

function copyValue(
  value: unknown,
  path: string,
  ancestors: { value: object; path: string }[],
): unknown {
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    throw new MetadataProblem(path, `is ${describeValue(value)}`);
  }
  if (typeof value !== 'object') throw new MetadataProblem(path, `is ${describeValue(value)}`);
  const above = ancestors.find((ancestor) => ancestor.value === value);
  if (above !== undefined) {
    throw new MetadataProblem(path, `refers back to ${above.path} (a cycle)`);
  }
  if (ancestors.length >= maxMetadataDepth) {
    throw new MetadataProblem(path, `is nested deeper than ${maxMetadataDepth} levels`);
  }
  const inside = [...ancestors, { value, path }];
  const read = (key: string | number, at: string): unknown => {
    try {
      return (value as Record<string | number, unknown>)[key];
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new MetadataProblem(at, `cannot be read (${reason.slice(0, 100)})`);
    }
  };
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    for (let i = 0; i < value.length; i += 1) {
      const at = pathOf(path, i);
      const item = read(i, at);
      if (item === undefined) throw new MetadataProblem(at, 'is undefined (or an empty slot)');
      copy.push(copyJson(item, at, inside));
    }
    return copy;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    throw new MetadataProblem(path, `is ${describeValue(value)}`);
  }
  if (Object.getOwnPropertySymbols(value).some((key) => Object.hasOwn(value, key))) {
    throw new MetadataProblem(path, 'has a symbol key');
  }
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const at = pathOf(path, key);
    const item = read(key, at);
    if (item === undefined) continue;
    // defineProperty keeps a key such as `__proto__` as data, never a prototype.
    Object.defineProperty(copy, key, {
      value: copyJson(item, at, inside),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

function describeTop(metadata: unknown): string {
  if (Array.isArray(metadata)) return 'an array';
  if (metadata === null) return 'null';
  if (typeof metadata === 'string') return 'a string';
  if (typeof metadata === 'number') return 'a number';
  if (typeof metadata === 'boolean') return 'a boolean';
  return describeValue(metadata);
}

/**
 * A copy of history `metadata` made of JSON values only.
 *
 * @throws TypeError naming the path of the first value that is not JSON (a bigint, a
 * function, a symbol, NaN, a Date or other class instance, a cycle, a property that
 * throws when read, nesting deeper than {@link maxMetadataDepth}) and what is accepted.
 */
export function historyMetadata(metadata: unknown): Record<string, unknown> {
  try {
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
      throw new MetadataProblem('metadata', `is ${describeTop(metadata)}, not an object`);
    }
    return copyJson(metadata, 'metadata', []) as Record<string, unknown>;
  } catch (error) {
    const problem =
      error instanceof MetadataProblem
        ? error
        : new MetadataProblem('metadata', `cannot be read (${String(error).slice(0, 100)})`);
    throw new TypeError(`addToHistory: ${problem.path} ${problem.problem}; ${metadataAccepted}.`);
  }
}

/** Whether `history` holds an entry of the same message, role and text as `entry`. */
function holdsEntry(history: readonly HistoryMessage[], entry: HistoryMessage): boolean {
  return history.some(
    (kept) =>
      kept.messageId === entry.messageId && kept.role === entry.role && kept.text === entry.text,
  );
}

/**
 * The history operations of a runtime: `addToHistory` (a sliding window of
 * `maxHistoryMessages`, persisted in the session record; texts cut to
 * `maxHistoryTextLength`, metadata checked to be JSON before anything is written) and
 * `getHistory`.
 *
 * @example
 * ```ts
 * const { addToHistory } = createHistoryOperations(core);
 * await addToHistory(key, { role: 'user', text: '/train' });
 * ```
 */
export function createHistoryOperations(core: RuntimeCore) {
  const { config, lines, now, sessions, touched } = core;

  async function addToHistory(
    input: SessionKey,
    message: HistoryMessageInput,
    options?: HistoryOptions,
  ) {
    const key = normalizeSessionKey(input);
    const messageId = messageIdOf(options);
    if (
      typeof message !== 'object' ||
      message === null ||
      !historyRoles.has(message.role) ||
      typeof message.text !== 'string'
    ) {
      throw new TypeError(
        'addToHistory takes { role: "user" | "assistant" | "system", text: string, metadata?: object }.',
      );
    }
    const text = cutHistoryText(message.text, config.maxHistoryTextLength);
    const entry: HistoryMessage = { role: message.role, text, at: now() };
    if (message.metadata !== undefined) entry.metadata = historyMetadata(message.metadata);
    if (messageId !== undefined) entry.messageId = messageId;
    const storageKey = sessionStorageKey(key);
    await lines.run(storageKey, () =>
      sessions.retrying(async () => {
        const session = await sessions.requireActive(storageKey, key);
        if (messageId !== undefined && holdsEntry(session.record.history, entry)) {
          // Nothing to write: the answer stands only if the history read is the stored one.
          return (await sessions.isCurrent(session)) ? undefined : retry;
        }
        const history = [...session.record.history, entry].slice(-config.maxHistoryMessages);
        return (await sessions.write(session, { ...touched(session.record), history }))
          ? undefined
          : retry;
      }),
    );
  }

  async function getHistory(input: SessionKey, n = 5): Promise<HistoryMessage[]> {
    const key = normalizeSessionKey(input);
    const storageKey = sessionStorageKey(key);
    return lines.run(storageKey, async () => {
      const { record } = await sessions.requireActive(storageKey, key);
      const count = Math.max(0, Math.floor(n));
      return count === 0 ? [] : structuredClone(record.history.slice(-count));
    });
  }

  return { addToHistory, getHistory };
}
