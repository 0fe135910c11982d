import {
  ChatflowError,
  ChatflowErrorCode,
  SessionExpiredError,
  SessionNotFoundError,
} from './errors.ts';
import { type ExpiryPolicy, type SessionPhase, sessionPhase } from './expiry.ts';
import { type NormalizedSessionKey, userIndexKey } from './keys.ts';
import { parseSessionRecord, type SessionRecord, serializeSessionRecord } from './sessionRecord.ts';
import type { LiveSession, SessionRegistry } from './sessionRegistry.ts';
import type { SessionStore, StoredRecord, WriteOptions } from './sessionStore.ts';
import type { StoreAccess } from './storeAccess.ts';
import type { WorkflowMigrations } from './types.ts';
import { upgradeWorkflow, type WorkflowCatalogue } from './workflowCatalogue.ts';

/** What reading a session's storage key found. */
export type LoadedSession =
  | { kind: 'missing' }
  /** Only when `load` was given a record to create: there was none, and it was written. */
  | { kind: 'created'; session: LiveSession }
  | { kind: 'unreadable'; revision: number; value: string }
  | { kind: 'found'; session: LiveSession };

/** Options of {@link SessionAccess.load}. */
export interface LoadOptions {
  /**
   * The record to create when the store holds none. With a store that has
   * `createOrGet`, the read and the write are one round trip, and `load` resolves
   * `created`; otherwise it reads and resolves `missing`, and the caller creates.
   */
  create?: () => SessionRecord;
}

/** Reading and writing session records, with the live registry as a cache. */
export interface SessionAccess {
  /**
   * The session at a storage key. With `trustLive`, a live session that is active and
   * not marked stale is returned as it is, without a store read (its next write is a compare-and-set on its
   * revision). Otherwise the record is read: when the registry holds the same revision
   * (which names one write of one life of the key), its record and live state are kept; else the record is parsed, its
   * workflow checked against the catalogue, and the live session updated or created.
   */
  load(
    storageKey: string,
    key: NormalizedSessionKey,
    options?: LoadOptions,
  ): Promise<LoadedSession>;
  /**
   * Loads a session that must exist and be active: throws `SessionNotFoundError` or
   * `SessionExpiredError` otherwise.
   */
  requireActive(storageKey: string, key: NormalizedSessionKey): Promise<LiveSession>;
  /** The phase of a record now. */
  phaseOf(record: SessionRecord): SessionPhase;
  /**
   * Whether the store still holds the live session's revision: one store read with
   * `trustLive` (else the operation read the record already and this is `true`). A
   * session another runtime changed is marked stale, so the caller retries on what the
   * store holds. An operation that answers without writing (a refusal) asks this first,
   * so that it never refuses on a state another runtime moved on from.
   */
  isCurrent(session: LiveSession): Promise<boolean>;
  /**
   * Writes `next` over the session's record by compare-and-set on its revision. True
   * when written (the live session then holds `next`); false on a conflict (the live
   * session is marked stale, so the next load re-reads it). A write that throws (the
   * store failed: it may or may not have applied it) marks the session stale too.
   */
  write(session: LiveSession, next: SessionRecord): Promise<boolean>;
  /**
   * Writes a record at a key whose stored revision is `expected` (0: none, and the
   * record starts at a random {@link firstRevision}); resolves to the revision
   * written, or `undefined` on a conflict.
   */
  writeAt(storageKey: string, expected: number, record: SessionRecord): Promise<number | undefined>;
  /**
   * Makes `record`, as stored at `revision`, the key's live session (a live session it
   * replaces leaves the registry), and returns it.
   */
  adopt(
    storageKey: string,
    key: NormalizedSessionKey,
    record: SessionRecord,
    revision: number,
  ): LiveSession;
  /** The TTL and index of a session record's writes. */
  writeOptions(key: NormalizedSessionKey, storageKey: string): WriteOptions;
  /**
   * Runs `attempt` until it does not ask for a retry (after a conflict), at most
   * `maxAttempts` times; then throws a `ChatflowError` with code `CONFLICT`.
   */
  retrying<T>(attempt: () => Promise<T | typeof retry>): Promise<T>;
}

/** The first revision is drawn from [2^20, 2^46): exact in every backend, Lua's included. */
const firstRevisionFloor = 2 ** 20;

/**
 * Random words drawn from the system's source 256 at a time: a draw of two words cost
 * about 2 µs, 7% of creating a session in memory; from the pool it costs 0.01 µs.
 */
const randomWords = new Uint32Array(256);
let randomIndex = randomWords.length;

/**
 * The revision of a record written where none was. Revisions then count up by one per
 * write. Starting each record at a random revision makes a revision name one
 * incarnation of a key: a runtime still holding a session that another runtime deleted
 * and created again cannot write over the new one by compare-and-set, since the new
 * record's revisions are (up to a chance of about one in 2^46 per write) not the ones it
 * holds.
 */
export function firstRevision(): number {
  if (randomIndex === randomWords.length) {
    crypto.getRandomValues(randomWords);
    randomIndex = 0;
  }
  const high = randomWords[randomIndex] as number;
  const low = randomWords[randomIndex + 1] as number;
  randomIndex += 2;
  const drawn = (high & 0x3fff) * 2 ** 32 + low;
  return drawn < firstRevisionFloor ? drawn + firstRevisionFloor : drawn;
}

/** What an attempt returns to be run again (after a write conflict). */
export const retry: unique symbol = Symbol('chatflow.retry');

/** How many times an operation is tried before it gives up with `CONFLICT`. */
export const maxAttempts = 8;

/**
 * Waits a little before trying again, longer after each lost attempt and at random, so
 * writers that keep colliding fall out of step (up to about 64 ms before the last).
 */
function backOff(attempt: number): Promise<void> {
  const ms = Math.random() * 2 ** Math.min(attempt, 6);
  return new Promise((resolve) => {
    setTimeout(resolve, ms);
  });
}

/** Dependencies of {@link createSessionAccess}. */
export interface SessionAccessOptions {
  access: StoreAccess;
  registry: SessionRegistry;
  catalogue: WorkflowCatalogue;
  migrations: WorkflowMigrations;
  policy: ExpiryPolicy;
  now: () => number;
  /** Whether a live, active session is used without a store read (`trustLiveSessions`). */
  trustLive: boolean;
  /** Called when a live session's record was read anew (drop its cached workflow state). */
  onWorkflowChanged(session: LiveSession): void;
  /**
   * Called when a live session got a record from the store (read anew, not from the
   * cache) or wrote one: re-arm its timers and work.
   */
  onRecord(session: LiveSession): void;
}

/**
 * Creates the session access layer of a runtime.
 *
 * @example
 * ```ts
 * const sessions = createSessionAccess({ access, registry, catalogue, migrations, policy, now, onWorkflowChanged });
 * const session = await sessions.requireActive(storageKey, key);
 * ```
 */
export function createSessionAccess(options: SessionAccessOptions): SessionAccess {
  const { access, registry, catalogue, migrations, policy, now, trustLive } = options;

  function phaseOf(record: SessionRecord): SessionPhase {
    return sessionPhase(record, now(), policy);
  }

  function writeOptions(key: NormalizedSessionKey, storageKey: string): WriteOptions {
    return {
      ttlMs: policy.recordTtlMs,
      index: { key: userIndexKey(key.userId), member: storageKey },
    };
  }

  /** Applies the catalogue's verdict on the stored workflow to a freshly read record. */
  function upgraded(record: SessionRecord): {
    record: SessionRecord;
    reset: boolean;
  } {
    const outcome = upgradeWorkflow(catalogue, migrations, record.workflow);
    if (outcome.kind === 'current') return { record, reset: false };
    if (outcome.kind === 'migrated')
      return { record: { ...record, workflow: outcome.workflow }, reset: false };
    return { record: { ...record, workflow: null }, reset: true };
  }

  /** Writes `record` where the store holds none (one round trip); else what it holds. */
  async function createOrGet(
    storageKey: string,
    key: NormalizedSessionKey,
    record: SessionRecord,
  ): Promise<{ created: LiveSession } | { stored: StoredRecord | undefined }> {
    const value = serializeSessionRecord(record);
    const revision = firstRevision();
    const stored = await access.call((store) =>
      (store.createOrGet as NonNullable<SessionStore['createOrGet']>)(
        storageKey,
        { value, revision },
        writeOptions(key, storageKey),
      ),
    );
    if (stored !== undefined) return { stored };
    return { created: adopt(storageKey, key, record, revision) };
  }

  function adopt(
    storageKey: string,
    key: NormalizedSessionKey,
    record: SessionRecord,
    revision: number,
  ): LiveSession {
    const session: LiveSession = {
      storageKey,
      key,
      record,
      revision,
      storedActivity: record.lastActivity,
      evicted: false,
    };
    registry.set(session);
    return session;
  }

  async function load(
    storageKey: string,
    key: NormalizedSessionKey,
    loadOptions: LoadOptions = {},
  ): Promise<LoadedSession> {
    const cached = registry.get(storageKey);
    // A live session is trusted while it is active: every write is a compare-and-set on
    // its revision, so a record another runtime changed (or deleted, or replaced) makes
    // the next write fail, mark the session stale and read it again. One that looks
    // expired is read first: another runtime may have kept it alive.
    if (
      trustLive &&
      cached !== undefined &&
      cached.revision !== -1 &&
      phaseOf(cached.record) === 'active'
    ) {
      return { kind: 'found', session: cached };
    }
    let stored: StoredRecord | undefined;
    if (loadOptions.create !== undefined && access.store.createOrGet !== undefined) {
      const outcome = await createOrGet(storageKey, key, loadOptions.create());
      if ('created' in outcome) return { kind: 'created', session: outcome.created };
      stored = outcome.stored;
    } else {
      stored = await access.call((store) => store.get(storageKey), 'read');
    }
    const live = registry.peek(storageKey);
    if (stored === undefined) {
      if (live !== undefined) registry.delete(storageKey);
      return { kind: 'missing' };
    }
    const raw: unknown = stored.value;
    if (typeof raw !== 'string') {
      // A damaged store can hand back bytes or anything else: unreadable, never a crash.
      if (live !== undefined) registry.delete(storageKey);
      const value = raw instanceof Uint8Array ? Buffer.from(raw).toString('utf8') : String(raw);
      return { kind: 'unreadable', revision: stored.revision, value };
    }
    // A revision names one write of one life of the key (see firstRevision).
    if (live !== undefined && live.revision === stored.revision) {
      return { kind: 'found', session: live };
    }
    const parsed = parseSessionRecord(stored.value);
    if (
      parsed === undefined ||
      parsed.userId !== key.userId ||
      parsed.conversationId !== key.conversationId
    ) {
      if (live !== undefined) registry.delete(storageKey);
      return { kind: 'unreadable', revision: stored.revision, value: stored.value };
    }
    const { record, reset } = upgraded(parsed);
    if (live !== undefined) {
      // The record is a new object: the live state cached for the old one is dropped.
      options.onWorkflowChanged(live);
      const moved = live.record.lastActivity !== record.lastActivity;
      live.record = record;
      live.revision = stored.revision;
      live.storedActivity = record.lastActivity;
      if (moved) registry.noteActivity(live);
      if (reset) live.pendingReset = 'workflow_changed';
      options.onRecord(live);
      return { kind: 'found', session: live };
    }
    const session = adopt(storageKey, key, record, stored.revision);
    if (reset) session.pendingReset = 'workflow_changed';
    options.onRecord(session);
    return { kind: 'found', session };
  }

  async function requireActive(
    storageKey: string,
    key: NormalizedSessionKey,
  ): Promise<LiveSession> {
    const loaded = await load(storageKey, key);
    if (loaded.kind === 'missing') {
      throw new SessionNotFoundError(
        'There is no session for this user and conversation; getOrCreateSession creates one.',
      );
    }
    if (loaded.kind === 'unreadable') {
      throw new SessionNotFoundError(
        'The stored session could not be read; getOrCreateSession replaces it with a fresh one.',
      );
    }
    if (phaseOf(loaded.session.record) !== 'active') {
      throw new SessionExpiredError(
        'The session expired; getOrCreateSession recovers it during the grace period.',
      );
    }
    return loaded.session;
  }

  async function writeAt(
    storageKey: string,
    expected: number,
    record: SessionRecord,
  ): Promise<number | undefined> {
    const key = { userId: record.userId, conversationId: record.conversationId };
    const value = serializeSessionRecord(record);
    const revision = expected === 0 ? firstRevision() : expected + 1;
    const written = await access.call((store) =>
      store.compareAndSet(storageKey, expected, { value, revision }, writeOptions(key, storageKey)),
    );
    return written ? revision : undefined;
  }

  async function write(session: LiveSession, next: SessionRecord): Promise<boolean> {
    const expected = session.revision;
    let written: number | undefined;
    try {
      written = await writeAt(session.storageKey, expected, next);
    } catch (error) {
      // A write that failed may still have been applied (a Redis call that timed out):
      // the session is read again before anything else is done with it.
      session.revision = -1;
      throw error;
    }
    if (written !== undefined) {
      const moved = session.record.lastActivity !== next.lastActivity;
      session.record = next;
      if (moved) registry.noteActivity(session);
      session.revision = written;
      session.storedActivity = next.lastActivity;
      options.onRecord(session);
      return true;
    }
    session.revision = -1;
    return false;
  }

  async function isCurrent(session: LiveSession): Promise<boolean> {
    if (!trustLive) return true;
    const stored = await access.call((store) => store.get(session.storageKey), 'read');
    if (stored !== undefined && stored.revision === session.revision) return true;
    session.revision = -1;
    return false;
  }

  async function retrying<T>(attempt: () => Promise<T | typeof retry>): Promise<T> {
    for (let count = 0; count < maxAttempts; count += 1) {
      if (count > 0) await backOff(count);
      const result = await attempt();
      if (result !== retry) return result as T;
    }
    throw new ChatflowError(
      ChatflowErrorCode.CONFLICT,
      `The session kept changing under this operation (${maxAttempts} attempts); try again.`,
    );
  }

  return {
    load,
    requireActive,
    phaseOf,
    isCurrent,
    write,
    writeAt,
    adopt,
    writeOptions,
    retrying,
  };
}
