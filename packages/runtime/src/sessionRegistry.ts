import type { AnyActorRef, AnyMachineSnapshot } from 'xstate';
import type { NormalizedSessionKey } from './keys.ts';
import type { SessionRecord } from './sessionRecord.ts';
import type { PersistedWorkflowSnapshot, SessionResetReason } from './types.ts';

/** A session held in memory: its last committed record and its workflow's live state. */
export interface LiveSession {
  storageKey: string;
  key: NormalizedSessionKey;
  /** The record as last committed (or read), with any pending workflow upgrade applied. */
  record: SessionRecord;
  /** The stored revision `record` was read or written as; -1 forces a re-read. */
  revision: number;
  /**
   * The last activity as stored; `record.lastActivity` may be later (a call that was
   * only activity and left the store alone, see `touchIntervalMs`).
   */
  storedActivity: number;
  /** The active workflow's machine snapshot, resolved from {@link LiveSession.stateOf}. */
  state?: AnyMachineSnapshot | undefined;
  /** The persisted snapshot (the record's own object) that `state` resolves. */
  stateOf?: PersistedWorkflowSnapshot | undefined;
  /** The actor mirroring the workflow for an inspector (only with `inspect`). */
  mirror?: AnyActorRef | undefined;
  /** A workflow reset found on reading, to report on the next `getOrCreateSession`. */
  pendingReset?: SessionResetReason;
  /** Set once the registry dropped it. */
  evicted: boolean;
}

/** Options of {@link createSessionRegistry}. */
export interface SessionRegistryOptions {
  /** The most live sessions. */
  max: number;
  /** True when evicting the session now would cost something (work running, operations queued). */
  isBusy(session: LiveSession): boolean;
  /**
   * Called with each session that leaves, to drop its live state: `capacity` when it was
   * evicted to stay within `max`, `removed` when it was deleted or replaced.
   */
  onEvict(session: LiveSession, reason: 'capacity' | 'removed'): void;
}

/** The live sessions, least recently used first. */
export interface SessionRegistry {
  /** The session, marked as most recently used. */
  get(storageKey: string): LiveSession | undefined;
  /** The session, without marking it used. */
  peek(storageKey: string): LiveSession | undefined;
  /** Adds or replaces a session, then evicts the least recently used beyond `max`. */
  set(session: LiveSession): void;
  /** Drops a session (calls `onEvict`). */
  delete(storageKey: string): boolean;
  values(): IterableIterator<LiveSession>;
  /**
   * The live sessions, least recent last activity first, as far as
   * {@link SessionRegistry.noteActivity} was told: a session enters at the end when it is
   * added, and moves there when its activity is noted.
   */
  byActivity(): IterableIterator<LiveSession>;
  /** Moves a live session to the end of {@link SessionRegistry.byActivity}. */
  noteActivity(session: LiveSession): void;
  readonly size: number;
  /** Drops every session. */
  clear(): void;
}

/**
 * Creates the registry of live sessions: bounded by `max`, least recently used evicted
 * first, never refusing a session. A busy session (invoked work running, operations
 * waiting in its line) is passed over while another candidate exists, since evicting
 * it would stop its work; when all are busy the least recently used goes anyway (it is
 * persisted, and rehydrated on its next message).
 *
 * @example
 * ```ts
 * const registry = createSessionRegistry({ max: 1000, isBusy: () => false, onEvict: stopActor });
 * ```
 */
export function createSessionRegistry(options: SessionRegistryOptions): SessionRegistry {
  const sessions = new Map<string, LiveSession>();
  const byActivity = new Map<string, LiveSession>();

  function drop(session: LiveSession, reason: 'capacity' | 'removed'): void {
    sessions.delete(session.storageKey);
    byActivity.delete(session.storageKey);
    session.evicted = true;
    options.onEvict(session, reason);
  }

  function evictOverflow(): void {
    while (sessions.size > options.max) {
      let victim: LiveSession | undefined;
      let oldest: LiveSession | undefined;
      for (const session of sessions.values()) {
        oldest ??= session;
        if (!options.isBusy(session)) {
          victim = session;
          break;
        }
      }
      const chosen = victim ?? oldest;
      if (chosen === undefined) return;
      drop(chosen, 'capacity');
    }
  }

  return {
    get(storageKey) {
      const session = sessions.get(storageKey);
      if (session !== undefined) {
        sessions.delete(storageKey);
        sessions.set(storageKey, session);
      }
      return session;
    },
    peek: (storageKey) => sessions.get(storageKey),
    set(session) {
      const previous = sessions.get(session.storageKey);
      if (previous !== undefined && previous !== session) drop(previous, 'removed');
      sessions.delete(session.storageKey);
      byActivity.delete(session.storageKey);
      session.evicted = false;
      sessions.set(session.storageKey, session);
      byActivity.set(session.storageKey, session);
      evictOverflow();
    },
    delete(storageKey) {
      const session = sessions.get(storageKey);
      if (session === undefined) return false;
      drop(session, 'removed');
      return true;
    },
    values: () => sessions.values(),
    byActivity: () => byActivity.values(),
    noteActivity(session) {
      if (byActivity.get(session.storageKey) !== session) return;
      byActivity.delete(session.storageKey);
      byActivity.set(session.storageKey, session);
    },
    get size() {
      return sessions.size;
    },
    clear() {
      for (const session of [...sessions.values()]) drop(session, 'removed');
    },
  };
}
