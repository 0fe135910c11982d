import {
  dataStorageKey,
  type NormalizedSessionKey,
  normalizeSessionKey,
  quarantineStorageKey,
  sessionStorageKey,
  userIndexKey,
} from './keys.ts';
import type { RuntimeCore } from './runtimeCore.ts';
import { type LoadedSession, retry } from './sessionAccess.ts';
import { createSessionRecord, type SessionRecord } from './sessionRecord.ts';
import type { LiveSession } from './sessionRegistry.ts';
import { sessionView } from './sessionView.ts';
import type { SessionKey, SessionResetReason, SessionView } from './types.ts';

/** How long a quarantined record is kept for inspection. */
const quarantineTtlMs = 7 * 24 * 60 * 60_000;

/**
 * The session operations of a runtime: `getOrCreateSession` (create, recover from
 * grace, replace an expired or unreadable session, report a workflow reset),
 * `getSession` (read only) and `deleteSession`.
 *
 * @example
 * ```ts
 * const { getOrCreateSession } = createSessionOperations(core);
 * const view = await getOrCreateSession({ userId: 42, conversationId: 'chat-7' });
 * ```
 */
export function createSessionOperations(core: RuntimeCore) {
  const {
    access,
    catalogue,
    events,
    inGrace,
    lines,
    now,
    policy,
    registry,
    sessions,
    upkeep,
    eventBase,
    touched,
    dropBlob,
    forgetUpkeep,
    warn,
  } = core;

  /** Keeps the data blob alive as long as its session: rewrites it once half its TTL ran. */
  async function refreshedData(record: SessionRecord): Promise<SessionRecord> {
    if (record.dataset === null || record.dataStoredAt === null) return record;
    if (now() - record.dataStoredAt < policy.recordTtlMs / 2) return record;
    const key = dataStorageKey(record.userId, record.sessionId, record.dataset.id);
    const bytes = await access.call((store) => store.getBytes(key), 'read');
    if (bytes === undefined) return record;
    await access.call((store) => store.setBytes(key, bytes, { ttlMs: policy.recordTtlMs }));
    return { ...record, dataStoredAt: now() };
  }

  async function quarantine(
    key: NormalizedSessionKey,
    loaded: Extract<LoadedSession, { kind: 'unreadable' }>,
  ): Promise<void> {
    const tag = `${now()}-${loaded.revision}-${crypto.randomUUID().slice(0, 8)}`;
    const target = quarantineStorageKey(key, tag);
    await access.call((store) =>
      store.compareAndSet(
        target,
        0,
        { value: loaded.value, revision: 1 },
        { ttlMs: quarantineTtlMs, index: { key: userIndexKey(key.userId), member: target } },
      ),
    );
    warn('chatflow quarantined an unreadable session record', key, {
      revision: loaded.revision,
      bytes: loaded.value.length,
    });
  }

  /**
   * Writes a fresh session at a key (replacing what was there) and registers it. The
   * caller announces it, after announcing what it replaced.
   */
  async function createFresh(
    storageKey: string,
    key: NormalizedSessionKey,
    expected: number,
  ): Promise<LiveSession | typeof retry> {
    const record = createSessionRecord(key, now());
    const written = await sessions.writeAt(storageKey, expected, record);
    if (written === undefined) return retry;
    return sessions.adopt(storageKey, key, record, written);
  }

  function announceCreated(session: LiveSession): void {
    events.emit({ type: 'session.created', ...eventBase(session) });
  }

  async function getOrCreateSession(input: SessionKey): Promise<SessionView> {
    const key = normalizeSessionKey(input);
    const storageKey = sessionStorageKey(key);
    return lines.run(storageKey, () =>
      sessions.retrying(async () => {
        const loaded = await sessions.load(storageKey, key, {
          create: () => createSessionRecord(key, now()),
        });
        if (loaded.kind === 'created' || loaded.kind === 'missing') {
          const session =
            loaded.kind === 'created' ? loaded.session : await createFresh(storageKey, key, 0);
          if (session === retry) return retry;
          announceCreated(session);
          return sessionView(catalogue, session.record, session.revision, 'active');
        }
        if (loaded.kind === 'unreadable') {
          await quarantine(key, loaded);
          const session = await createFresh(storageKey, key, loaded.revision);
          if (session === retry) return retry;
          announceCreated(session);
          return sessionView(catalogue, session.record, session.revision, 'active', {
            reset: 'unreadable',
          });
        }
        const session = loaded.session;
        const { record } = session;
        const phase = sessions.phaseOf(record);
        // Announced once: not when an older runtime marked it, nor when this runtime's
        // cleanup announced it already.
        const newlyExpired =
          phase !== 'active' && record.status === 'active' && !inGrace.has(storageKey);
        if (phase === 'gone') {
          const old = { key: session.key, record: session.record };
          const fresh = await createFresh(storageKey, key, session.revision);
          if (fresh === retry) return retry;
          inGrace.delete(storageKey);
          await dropBlob(old.record);
          if (newlyExpired) events.emit({ type: 'session.expired', ...eventBase(old) });
          events.emit({ type: 'session.deleted', ...eventBase(old), reason: 'expired' });
          announceCreated(fresh);
          return sessionView(catalogue, fresh.record, fresh.revision, 'active', {
            reset: 'expired',
          });
        }
        const active = { ...touched(session.record), status: 'active' as const };
        const next = await refreshedData(active);
        if (
          phase === 'active' &&
          record.status === 'active' &&
          next === active &&
          active.lastActivity - session.storedActivity < policy.touchIntervalMs
        ) {
          // Only activity, and the stored one is recent: it is written with the next
          // step (or once it is `touchIntervalMs` old), not now.
          session.record = active;
          registry.noteActivity(session);
        } else if (!(await sessions.write(session, next))) return retry;
        inGrace.delete(storageKey);
        const reset = session.pendingReset;
        delete session.pendingReset;
        if (phase === 'grace') {
          if (newlyExpired) events.emit({ type: 'session.expired', ...eventBase(session) });
          events.emit({ type: 'session.recovered', ...eventBase(session) });
        }
        // Timers that fell due (while no runtime ran, or while the session was
        // expired) fire now, before the caller sees the session.
        const current = await settled(storageKey, key, session);
        const extra: { recovered?: true; reset?: SessionResetReason } =
          phase === 'grace' ? { recovered: true } : reset === undefined ? {} : { reset };
        return sessionView(catalogue, current.record, current.revision, 'active', extra);
      }),
    );
  }

  /**
   * The session once its due timers fired; after a write conflict it is read again
   * (another runtime moved it) and brought up to date in turn.
   */
  async function settled(
    storageKey: string,
    key: NormalizedSessionKey,
    session: LiveSession,
  ): Promise<LiveSession> {
    if (await upkeep.settle(session)) return session;
    let current = session;
    await sessions.retrying(async () => {
      const loaded = await sessions.load(storageKey, key);
      if (loaded.kind !== 'found') return undefined;
      current = loaded.session;
      return (await upkeep.settle(current)) ? undefined : retry;
    });
    return current;
  }

  async function getSession(input: SessionKey): Promise<SessionView | undefined> {
    const key = normalizeSessionKey(input);
    const storageKey = sessionStorageKey(key);
    return lines.run(storageKey, async () => {
      const loaded = await sessions.load(storageKey, key);
      if (loaded.kind !== 'found') return undefined;
      const { record, revision } = loaded.session;
      const phase = sessions.phaseOf(record);
      if (phase === 'gone') return undefined;
      return sessionView(catalogue, record, revision, phase === 'active' ? 'active' : 'expired');
    });
  }

  async function deleteSession(input: SessionKey): Promise<void> {
    const key = normalizeSessionKey(input);
    const storageKey = sessionStorageKey(key);
    lines.interrupt(storageKey);
    await lines.run(storageKey, async () => {
      const loaded = await sessions.load(storageKey, key);
      if (loaded.kind === 'missing') {
        await sessions.requireActive(storageKey, key);
        return;
      }
      const index = { key: userIndexKey(key.userId), member: storageKey };
      await access.call((store) => store.delete(storageKey, { index }));
      inGrace.delete(storageKey);
      if (loaded.kind === 'found') {
        const { session } = loaded;
        registry.delete(storageKey);
        forgetUpkeep(storageKey);
        await dropBlob(session.record);
        events.emit({ type: 'session.deleted', ...eventBase(session), reason: 'deleted' });
      }
    });
  }

  return { getOrCreateSession, getSession, deleteSession };
}
