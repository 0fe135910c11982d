import type { Keyv } from 'keyv';
import { StoreUnavailableError } from './errors.ts';
import { createKeyedQueue } from './keyedQueue.ts';
import { parseStorageKey } from './keys.ts';
import type { SessionStore, StoredRecord, WriteOptions } from './sessionStore.ts';

const wrapped = new WeakMap<Keyv, SessionStore>();

/** What a record looks like inside the Keyv: `{ revision, value }` as JSON. */
interface Envelope {
  revision: number;
  value: string;
}

function toEnvelope(raw: unknown): Envelope | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'string') {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (
        typeof parsed === 'object' &&
        parsed !== null &&
        typeof (parsed as Envelope).value === 'string' &&
        Number.isSafeInteger((parsed as Envelope).revision) &&
        (parsed as Envelope).revision > 0
      ) {
        return { revision: (parsed as Envelope).revision, value: (parsed as Envelope).value };
      }
    } catch {
      // not an envelope: handed on as it is, below
    }
    return { revision: 1, value: raw };
  }
  // Something other than a string that this wrapper did not write: revision 1, so the
  // runtime can read it (and quarantine it) and replace it with compare-and-set.
  let text: string;
  try {
    text = JSON.stringify(raw) ?? String(raw);
  } catch {
    text = String(raw);
  }
  return { revision: 1, value: text };
}

/** The address of the Keyv's backend for messages, without credentials. */
function addressOf(keyv: Keyv): string {
  const store = (keyv as unknown as { store?: { opts?: { url?: unknown }; url?: unknown } }).store;
  const url = store?.opts?.url ?? store?.url;
  if (typeof url !== 'string' || url === '') return 'in-process';
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//');
  }
}

/** What a key holds, for messages that must not carry user ids. */
function describeKey(key: string): string {
  const kind = parseStorageKey(key)?.kind;
  if (kind === undefined) return 'a key';
  return {
    session: 'a session record',
    data: 'a data blob',
    index: 'a user index',
    quarantine: 'a quarantined record',
  }[kind];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Wraps a plain Keyv into the runtime's {@link SessionStore}:
 *
 * - a failed read or write throws `StoreUnavailableError`, so a failing store is never
 *   mistaken for a missing session: reads go through `getRaw`, which lets the
 *   backend's error through; an error the adapter catches itself and emits (as
 *   `@keyv/redis` does by default) fails the operation that was running; a `set` that
 *   answers `false` counts as failed;
 * - compare-and-set runs in process under a per-key mutex (`atomic: false`: two
 *   processes sharing the backend are not protected from each other; use
 *   `@chatflow/adapters`' `createStore` for that);
 * - a record is stored as the JSON string `{ revision, value }`; bytes as an explicit
 *   base64 string (Keyv's default serializer mangles a `Uint8Array`); an index set as
 *   a JSON array whose TTL is kept no shorter than its members';
 * - `keys(prefix)` walks `keyv.iterator` when the Keyv's adapter offers one.
 *
 * Wrapping the same Keyv twice returns the same store, so two runtimes given one Keyv
 * share the mutex and never lose each other's writes.
 *
 * @example
 * ```ts
 * const store = createKeyvSessionStore(new Keyv());
 * await store.compareAndSet('k', 0, { value: '{}', revision: 1 });
 * ```
 */
export function createKeyvSessionStore(keyv: Keyv): SessionStore {
  const existing = wrapped.get(keyv);
  if (existing !== undefined) return existing;

  const address = addressOf(keyv);
  const mutex = createKeyedQueue();
  // Some adapters (@keyv/redis by default) catch their own errors, emit them and answer
  // `undefined`: an error emitted while an operation ran makes that operation fail.
  let errorsSeen = 0;
  let lastEmitted: unknown;
  (keyv as unknown as { on?: (event: string, listener: (error: unknown) => void) => void }).on?.(
    'error',
    (error: unknown) => {
      errorsSeen += 1;
      lastEmitted = error;
    },
  );
  const fail = (action: string, key: string, cause?: unknown): StoreUnavailableError =>
    cause instanceof StoreUnavailableError
      ? cause
      : new StoreUnavailableError(
          'keyv',
          address,
          `${action} ${describeKey(key)} failed${cause === undefined ? '' : `: ${messageOf(cause)}`}`,
          cause === undefined ? undefined : { cause },
        );

  async function watched<T>(action: string, key: string, operation: () => Promise<T>): Promise<T> {
    const before = errorsSeen;
    let result: T;
    try {
      result = await operation();
    } catch (error) {
      throw fail(action, key, error);
    }
    if (errorsSeen !== before)
      throw fail(action, key, lastEmitted ?? new Error('the store reported an error'));
    return result;
  }

  async function readRaw(
    key: string,
  ): Promise<{ value: unknown; expires?: number | null } | undefined> {
    const raw = await watched(
      'reading',
      key,
      () => keyv.getRaw(key) as Promise<{ value: unknown; expires?: number | null } | undefined>,
    );
    return raw ?? undefined;
  }

  async function write(key: string, value: string, ttlMs: number | undefined): Promise<void> {
    const written = await watched('writing', key, () =>
      keyv.set(key, value, ttlMs !== undefined && ttlMs > 0 ? ttlMs : undefined),
    );
    if (written === false) throw fail('writing', key);
  }

  async function remove(key: string): Promise<boolean> {
    const existed = (await readRaw(key)) !== undefined;
    if (!existed) return false;
    const deleted = await watched('deleting', key, () => keyv.delete(key));
    if (!deleted && (await readRaw(key)) !== undefined) throw fail('deleting', key);
    return true;
  }

  async function readSet(
    key: string,
  ): Promise<{ exists: boolean; members: string[]; expires: number | undefined }> {
    const raw = await readRaw(key);
    if (raw === undefined) return { exists: false, members: [], expires: undefined };
    const expires = typeof raw.expires === 'number' ? raw.expires : undefined;
    try {
      const parsed: unknown = typeof raw.value === 'string' ? JSON.parse(raw.value) : [];
      const members = Array.isArray(parsed)
        ? parsed.filter((member): member is string => typeof member === 'string')
        : [];
      return { exists: true, members, expires };
    } catch {
      return { exists: true, members: [], expires };
    }
  }

  /**
   * Adds a member. The set lives at least as long as its longest-lived member: it is
   * rewritten when the member is new or when it would expire more than half a TTL
   * before this member.
   */
  function addMember(index: NonNullable<WriteOptions['index']>, ttlMs: number | undefined) {
    return mutex.run(index.key, async () => {
      const { exists, members, expires } = await readSet(index.key);
      const forever = ttlMs === undefined || ttlMs <= 0;
      const wanted = forever ? undefined : Date.now() + ttlMs;
      const has = members.includes(index.member);
      const tooShort =
        exists &&
        expires !== undefined &&
        (wanted === undefined || expires < wanted - (ttlMs ?? 0) / 2);
      if (has && !tooShort) return;
      if (!has) members.push(index.member);
      let expiry: number | undefined = wanted;
      if (exists) {
        expiry =
          expires === undefined || wanted === undefined ? undefined : Math.max(expires, wanted);
      }
      await write(
        index.key,
        JSON.stringify(members),
        expiry === undefined ? undefined : Math.max(1, expiry - Date.now()),
      );
    });
  }

  function removeMember(index: NonNullable<WriteOptions['index']>) {
    return mutex.run(index.key, async () => {
      const { members, expires } = await readSet(index.key);
      if (!members.includes(index.member)) return;
      const rest = members.filter((member) => member !== index.member);
      if (rest.length === 0) {
        await remove(index.key);
        return;
      }
      const ttl = expires === undefined ? undefined : Math.max(1, expires - Date.now());
      await write(index.key, JSON.stringify(rest), ttl);
    });
  }

  const store: SessionStore = {
    backend: 'keyv',
    address,
    atomic: false,

    async get(key): Promise<StoredRecord | undefined> {
      const raw = await readRaw(key);
      return raw === undefined ? undefined : toEnvelope(raw.value);
    },

    compareAndSet(key, expectedRevision, record, options) {
      return mutex.run(key, async () => {
        const current = toEnvelope((await readRaw(key))?.value);
        if ((current?.revision ?? 0) !== expectedRevision) return false;
        // The index first: a member without a record is harmless, a record missing from
        // its user's index would escape forgetUser.
        if (options?.index !== undefined) await addMember(options.index, options.ttlMs);
        const envelope: Envelope = { revision: record.revision, value: record.value };
        await write(key, JSON.stringify(envelope), options?.ttlMs);
        return true;
      });
    },

    delete(key, options) {
      return mutex.run(key, async () => {
        const existed = await remove(key);
        if (options?.index !== undefined) await removeMember(options.index);
        return existed;
      });
    },

    async getBytes(key) {
      const raw = await readRaw(key);
      if (raw === undefined || typeof raw.value !== 'string') return undefined;
      const buffer = Buffer.from(raw.value, 'base64');
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    },

    setBytes(key, bytes, options) {
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
      return mutex.run(key, () => write(key, text, options?.ttlMs));
    },

    deleteBytes(key) {
      return mutex.run(key, () => remove(key));
    },

    async members(key) {
      return (await readSet(key)).members;
    },

    async *keys(prefix) {
      const iterate = (keyv as unknown as { iterator?: () => AsyncIterable<[string, unknown]> })
        .iterator;
      if (typeof iterate !== 'function') {
        throw new StoreUnavailableError(
          'keyv',
          address,
          'this Keyv adapter cannot list keys (it has no iterator)',
        );
      }
      // With no namespace, Keyv's iterator still drops the key's first segment.
      const restore =
        keyv.useKeyPrefix && !keyv.namespace
          ? (key: string) => `${prefix.slice(0, prefix.indexOf(':') + 1)}${key}`
          : (key: string) => key;
      try {
        for await (const [key] of iterate.call(keyv)) {
          const full = restore(key);
          if (full.startsWith(prefix)) yield full;
        }
      } catch (error) {
        throw fail('listing', prefix, error);
      }
    },

    async close() {},
  };
  wrapped.set(keyv, store);
  return store;
}
