import { type NormalizedSessionKey, userIndexKey } from './keys.ts';
import type { RuntimeCore } from './runtimeCore.ts';
import type { CleanupResult } from './types.ts';

/**
 * The cleanup cycle of a runtime. It walks the live registry judging expiry from each
 * session's last activity in memory (no store read for a session that is not
 * expired), then, in each expired session's line, re-reads it (another runtime may
 * have kept it alive), marks it expired (persisted) and evicts it during the grace
 * period, or deletes it and its data once the grace period is over. Sessions it marked
 * are remembered so a later cycle deletes them even though they left the registry.
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
  } = core;
  let cleanupCycles = 0;
  let cleanupRunning: Promise<CleanupResult> | undefined;

  async function runCleanup(): Promise<CleanupResult> {
    cleanupCycles += 1;
    const result: CleanupResult = { scanned: 0, expired: 0, deleted: 0 };
    const due: { storageKey: string; key: NormalizedSessionKey }[] = [];
    for (const session of registry.values()) {
      result.scanned += 1;
      if (sessions.phaseOf(session.record) !== 'active') {
        due.push({ storageKey: session.storageKey, key: session.key });
      }
    }
    const at = now();
    for (const [storageKey, entry] of inGrace) {
      if (entry.until <= at && registry.peek(storageKey) === undefined)
        due.push({ storageKey, ...entry });
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
            const newlyExpired = session.record.status === 'active';
            if (phase === 'grace') {
              if (newlyExpired) {
                const marked = { ...session.record, status: 'expired' as const };
                if (!(await sessions.write(session, marked))) return;
                result.expired += 1;
                events.emit({ type: 'session.expired', ...eventBase(session) });
              }
              inGrace.set(storageKey, {
                key,
                until: session.record.lastActivity + policy.timeoutMs + policy.graceMs,
              });
              registry.delete(storageKey);
              return;
            }
            const index = { key: userIndexKey(key.userId), member: storageKey };
            registry.delete(storageKey);
            inGrace.delete(storageKey);
            core.forgetUpkeep(storageKey);
            await access.call((store) => store.delete(storageKey, { index }));
            await dropBlob(session.record);
            if (newlyExpired) {
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
