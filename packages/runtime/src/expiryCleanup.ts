import { type NormalizedSessionKey, userIndexKey } from './keys.ts';
import type { RuntimeCore } from './runtimeCore.ts';
import type { SessionRecord } from './sessionRecord.ts';
import type { LiveSession } from './sessionRegistry.ts';
import type { CleanupResult } from './types.ts';

/**
 * The cleanup cycle of a runtime. It walks the live registry in the order of last
 * activity, judging expiry from each session's last activity in memory, and stops at the
 * first session still active: a cycle costs the expiring sessions, not the population. A session in its grace period is evicted (it
 * stays stored, and is recovered as it was on its next `getOrCreateSession`) and
 * announced as expired once; nothing is written, since expiry is judged from the last
 * activity wherever the record is read. With `trustLiveSessions` (the default) this
 * takes no store access at all; without it, each expired session is first read again
 * in its line (another runtime may have kept it alive). A session past its grace
 * period is always read again in its line before it and its data are deleted. Sessions
 * it evicted are remembered so a later cycle deletes them even though they left the
 * registry.
 *
 * @example
 * ```ts
 * const cleanup = createExpiryCleanup(core);
 * const { expired, deleted } = await cleanup.cleanupExpired();
 * ```
 */
export function createExpiryCleanup(core: RuntimeCore) {
  const {
    access,
    events,
    inGrace,
    lines,
    logger,
    now,
    policy,
    registry,
    sessions,
    eventBase,
    dropBlob,
    config,
  } = core;
  const trustLive = config.trustLiveSessions;
  let cleanupCycles = 0;
  let cleanupRunning: Promise<CleanupResult> | undefined;

  /**
   * Whether the session's expiry was announced already: by this runtime (it is in
   * `inGrace`) or by an older runtime that marked the record expired.
   */
  function alreadyAnnounced(storageKey: string, record: SessionRecord): boolean {
    return inGrace.has(storageKey) || record.status === 'expired';
  }

  /**
   * Evicts a session in its grace period and announces its expiry, unless it was
   * announced already (see `alreadyAnnounced`).
   */
  function expireInGrace(session: LiveSession, result: CleanupResult): void {
    const { storageKey, key, record } = session;
    const announced = alreadyAnnounced(storageKey, record);
    registry.delete(storageKey);
    inGrace.set(storageKey, {
      key,
      until: record.lastActivity + policy.timeoutMs + policy.graceMs,
    });
    if (announced) return;
    result.expired += 1;
    events.emit({ type: 'session.expired', ...eventBase(session) });
  }

  async function runCleanup(): Promise<CleanupResult> {
    cleanupCycles += 1;
    const result: CleanupResult = { scanned: 0, expired: 0, deleted: 0 };
    const inMemory: LiveSession[] = [];
    const due: { storageKey: string; key: NormalizedSessionKey }[] = [];
    // Least recent activity first: the first session still active ends the walk, since
    // every one after it was active later (a session read into memory without activity
    // enters at the end, and is judged once those before it moved on or expired).
    for (const session of registry.byActivity()) {
      result.scanned += 1;
      const phase = sessions.phaseOf(session.record);
      if (phase === 'active') break;
      if (phase === 'grace' && trustLive && !lines.isBusy(session.storageKey)) {
        inMemory.push(session);
      } else {
        due.push({ storageKey: session.storageKey, key: session.key });
      }
    }
    for (const session of inMemory) expireInGrace(session, result);
    const at = now();
    for (const [storageKey, entry] of inGrace) {
      if (entry.until <= at && registry.peek(storageKey) === undefined)
        due.push({ storageKey, key: entry.key });
    }
    await Promise.all(
      due.map(({ storageKey, key }) =>
        lines
          .run(storageKey, async () => {
            const loaded = await sessions.load(storageKey, key);
            if (loaded.kind !== 'found') {
              inGrace.delete(storageKey);
              return;
            }
            const { session } = loaded;
            const phase = sessions.phaseOf(session.record);
            if (phase === 'active') return;
            if (phase === 'grace') {
              expireInGrace(session, result);
              return;
            }
            const announced = alreadyAnnounced(storageKey, session.record);
            const index = { key: userIndexKey(key.userId), member: storageKey };
            registry.delete(storageKey);
            inGrace.delete(storageKey);
            core.forgetUpkeep(storageKey);
            await access.call((store) => store.delete(storageKey, { index }));
            await dropBlob(session.record);
            if (!announced) {
              result.expired += 1;
              events.emit({ type: 'session.expired', ...eventBase(session) });
            }
            result.deleted += 1;
            events.emit({ type: 'session.deleted', ...eventBase(session), reason: 'expired' });
          })
          .catch((error: unknown) => {
            logger.warn({ error: String(error) }, 'chatflow cleanup could not expire a session');
          }),
      ),
    );
    return result;
  }

  function cleanupExpired(): Promise<CleanupResult> {
    if (cleanupRunning !== undefined) return cleanupRunning;
    const cycle = runCleanup().finally(() => {
      cleanupRunning = undefined;
    });
    cleanupRunning = cycle;
    return cycle;
  }

  return {
    cleanupExpired,
    get cycles() {
      return cleanupCycles;
    },
    get running() {
      return cleanupRunning;
    },
  };
}
