/**
 * Storage keys of the runtime. Every key of one user starts with the same prefix,
 * `chatflow:{u:<userId>}:`, whose `{...}` part is a Redis Cluster hash tag: all keys of
 * a user live in one slot, so a backend can update a record and the user's index in
 * one atomic operation.
 *
 * Ids are escaped with {@link encodeId}, which never outputs `:`, `{` or `}`, so the
 * keys are collision-free for any ids (user `1`, chat `2:3` is not user `1:2`, chat
 * `3`) and the hash tag always ends where it should.
 */

/** The prefix of every key the runtime writes. */
export const keyPrefix = 'chatflow';

/** A session key with its user id in the canonical string form. */
export interface NormalizedSessionKey {
  userId: string;
  conversationId: string;
}

/** What a storage key names, as {@link parseStorageKey} reads it. */
export type ParsedStorageKey =
  | { kind: 'session'; userId: string; conversationId: string }
  | { kind: 'data'; userId: string; sessionId: string; datasetId: string }
  | { kind: 'index'; userId: string }
  | { kind: 'quarantine'; userId: string; conversationId: string; tag: string };

/**
 * Escapes an id for a storage key: `encodeURIComponent` for each character, and
 * `%uXXXX` for a lone surrogate (which `encodeURIComponent` refuses). The output has no
 * `:`, `{` or `}`, and distinct ids give distinct outputs.
 *
 * @example
 * ```ts
 * encodeId('2:3'); // '2%3A3'
 * ```
 */
export function encodeId(id: string): string {
  try {
    return encodeURIComponent(id);
  } catch {
    let out = '';
    for (const char of id) {
      const code = char.codePointAt(0) ?? 0;
      out +=
        char.length === 1 && code >= 0xd800 && code <= 0xdfff
          ? `%u${code.toString(16).toUpperCase().padStart(4, '0')}`
          : encodeURIComponent(char);
    }
    return out;
  }
}

/** The inverse of {@link encodeId}. */
export function decodeId(encoded: string): string {
  return encoded.replace(/(?:%[0-9A-F]{2})+|%u([0-9A-F]{4})/g, (match, unit?: string) =>
    unit === undefined ? decodeURIComponent(match) : String.fromCharCode(Number.parseInt(unit, 16)),
  );
}

/**
 * The canonical user id: ids are compared as strings, so user `42` is user `'42'`.
 * Throws a `TypeError` for anything but a string or a finite number.
 */
export function normalizeUserId(userId: string | number): string {
  if (typeof userId === 'string') return userId;
  if (typeof userId === 'number' && Number.isFinite(userId)) return String(userId);
  throw new TypeError('A session key needs a userId that is a string or a finite number.');
}

/**
 * Checks a session key and returns it with its user id as a string.
 *
 * @example
 * ```ts
 * normalizeSessionKey({ userId: 42, conversationId: 'chat-7' });
 * // { userId: '42', conversationId: 'chat-7' }
 * ```
 */
export function normalizeSessionKey(key: {
  userId: string | number;
  conversationId: string;
}): NormalizedSessionKey {
  if (typeof key !== 'object' || key === null) {
    throw new TypeError('A session key is an object { userId, conversationId }.');
  }
  if (typeof key.conversationId !== 'string') {
    throw new TypeError('A session key needs a conversationId that is a string.');
  }
  return { userId: normalizeUserId(key.userId), conversationId: key.conversationId };
}

/** The prefix shared by every key of one user, hash tag included. */
export function userKeyPrefix(userId: string | number): string {
  return `${keyPrefix}:{u:${encodeId(normalizeUserId(userId))}}:`;
}

/** The key of a session record. */
export function sessionStorageKey(key: NormalizedSessionKey): string {
  return `${userKeyPrefix(key.userId)}s:${encodeId(key.conversationId)}`;
}

/** The key of a data blob: one per stored table, named by session and data set. */
export function dataStorageKey(userId: string, sessionId: string, datasetId: string): string {
  return `${userKeyPrefix(userId)}d:${encodeId(sessionId)}:${encodeId(datasetId)}`;
}

/** The key of a user's index: the set of every session and quarantine key of the user. */
export function userIndexKey(userId: string | number): string {
  return `${userKeyPrefix(userId)}idx`;
}

/** The key under which an unreadable record of a session is kept aside. */
export function quarantineStorageKey(key: NormalizedSessionKey, tag: string): string {
  return `${userKeyPrefix(key.userId)}q:${encodeId(key.conversationId)}:${encodeId(tag)}`;
}

const keyPattern =
  /^chatflow:\{u:([^:{}]*)\}:(?:(s):([^:{}]*)|(d):([^:{}]*):([^:{}]*)|(idx)|(q):([^:{}]*):([^:{}]*))$/;

/**
 * Reads a key built by this module back into its parts; `undefined` for any other key.
 *
 * @example
 * ```ts
 * parseStorageKey(sessionStorageKey({ userId: '1', conversationId: '2:3' }));
 * // { kind: 'session', userId: '1', conversationId: '2:3' }
 * ```
 */
export function parseStorageKey(key: string): ParsedStorageKey | undefined {
  const match = keyPattern.exec(key);
  if (match === null) return undefined;
  try {
    const userId = decodeId(match[1] ?? '');
    if (match[2] !== undefined) {
      return { kind: 'session', userId, conversationId: decodeId(match[3] ?? '') };
    }
    if (match[4] !== undefined) {
      return {
        kind: 'data',
        userId,
        sessionId: decodeId(match[5] ?? ''),
        datasetId: decodeId(match[6] ?? ''),
      };
    }
    if (match[7] !== undefined) return { kind: 'index', userId };
    return {
      kind: 'quarantine',
      userId,
      conversationId: decodeId(match[9] ?? ''),
      tag: decodeId(match[10] ?? ''),
    };
  } catch {
    return undefined;
  }
}
