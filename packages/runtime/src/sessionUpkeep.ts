import type { Logger } from 'pino';
import { keyPrefix, type NormalizedSessionKey, parseStorageKey } from './keys.ts';
import { truncateId } from './runtimeEvents.ts';
import { retry, type SessionAccess } from './sessionAccess.ts';
import type { SessionAgenda } from './sessionAgenda.ts';
import type { SessionLines } from './sessionLine.ts';
import { parseSessionRecord, type SessionRecord } from './sessionRecord.ts';
import type { LiveSession, SessionRegistry } from './sessionRegistry.ts';
import type { StoreAccess } from './storeAccess.ts';
import type { WorkflowActors } from './workflowActors.ts';
import type { WorkflowSteps } from './workflowSteps.ts';

/**
 * What a session does on its own, without a message: its workflow's timers fall due.
 * The runtime keeps one alarm per session (its agenda) at the next such moment, sets it
 * whenever a record is read or written, and on the alarm runs the session's due duties
 * through its line.
 */
export interface SessionUpkeep {
  /** Sets the session's alarm from its record (after every read and write). */
  track(session: LiveSession): void;
  /**
   * Brings a session up to date before an operation looks at it: persists what its
   * actor did on its own, then fires the timers that fell due (in order, each its own
   * step). Resolves `false` on a write conflict (the caller reloads and tries again).
   */
  settle(session: LiveSession): Promise<boolean>;
  /** Runs a session's due duties in its line (what its alarm calls). */
  tick(storageKey: string, key: NormalizedSessionKey): Promise<void>;
  /**
   * Reads every session of the store (where it can list keys) and arms the alarms of
   * those with pending timers. Resolves to the number armed.
   */
  sweep(): Promise<number>;
}

/** Dependencies of {@link createSessionUpkeep}. */
export interface SessionUpkeepOptions {
  access: StoreAccess;
  actors: WorkflowActors;
  agenda: SessionAgenda;
  lines: SessionLines;
  logger: Logger;
  now: () => number;
  registry: SessionRegistry;
  sessions: SessionAccess;
  steps: WorkflowSteps;
}

/** How many records the start-up sweep reads at once. */
const sweepConcurrency = 16;

/** The longest wait before a failed alarm is tried again. */
const longestBackOffMs = 60_000;

/**
 * Creates the upkeep of a runtime's sessions.
 *
 * @example
 * ```ts
 * const upkeep = createSessionUpkeep({ access, actors, agenda, lines, logger, now, registry, sessions, steps });
 * if (!(await upkeep.settle(session))) return retry;
 * ```
 */
export function createSessionUpkeep(options: SessionUpkeepOptions): SessionUpkeep {
  const { access, actors, agenda, lines, logger, now, registry, sessions, steps } = options;
  const failures = new Map<string, number>();

  /** The next moment a record needs its runtime, or `undefined`. */
  function nextDuty(record: SessionRecord): number | undefined {
    const workflow = record.workflow;
    if (workflow === null || workflow.snapshot.status !== 'active') return undefined;
    // Timers fire only while the session is active: one that falls due while it is
    // expired waits for its recovery.
    if (sessions.phaseOf(record) !== 'active') return undefined;
    let at = Number.POSITIVE_INFINITY;
    for (const timer of workflow.timers ?? []) at = Math.min(at, timer.dueAt);
    return Number.isFinite(at) ? at : undefined;
  }

  function track(session: LiveSession): void {
    agenda.arm(session.storageKey, session.key, nextDuty(session.record));
  }

  async function fireDueTimers(session: LiveSession): Promise<boolean> {
    for (;;) {
      const workflow = session.record.workflow;
      if (workflow === null || workflow.snapshot.status !== 'active') return true;
      if (sessions.phaseOf(session.record) !== 'active') return true;
      const at = now();
      const due = (workflow.timers ?? []).find((timer) => timer.dueAt <= at);
      if (due === undefined) return true;
      const written = await steps.commit(session, due.event, {
        source: 'timer',
        firedTimer: due.id,
      });
      if (!written) return false;
    }
  }

  async function settle(session: LiveSession): Promise<boolean> {
    await actors.flush(session);
    return fireDueTimers(session);
  }

  async function tick(storageKey: string, key: NormalizedSessionKey): Promise<void> {
    try {
      await lines.run(storageKey, () =>
        sessions.retrying(async () => {
          const loaded = await sessions.load(storageKey, key);
          if (loaded.kind !== 'found') {
            agenda.arm(storageKey, key, undefined);
            return undefined;
          }
          if (!(await settle(loaded.session))) return retry;
          track(loaded.session);
          return undefined;
        }),
      );
      failures.delete(storageKey);
    } catch (error) {
      const count = (failures.get(storageKey) ?? 0) + 1;
      failures.set(storageKey, count);
      logger.warn(
        { user: truncateId(key.userId), attempt: count, error: String(error) },
        'chatflow could not run a session timer; it will be tried again',
      );
      agenda.arm(storageKey, key, now() + Math.min(longestBackOffMs, 1000 * 2 ** (count - 1)));
    }
  }

  async function sweep(): Promise<number> {
    const found: { storageKey: string; key: NormalizedSessionKey }[] = [];
    try {
      for await (const storageKey of access.store.keys(`${keyPrefix}:`)) {
        const parsed = parseStorageKey(storageKey);
        if (parsed?.kind !== 'session') continue;
        found.push({
          storageKey,
          key: { userId: parsed.userId, conversationId: parsed.conversationId },
        });
      }
    } catch {
      return 0; // a store that cannot list keys: sessions are re-armed as they are read
    }
    let armed = 0;
    for (let i = 0; i < found.length; i += sweepConcurrency) {
      await Promise.all(
        found.slice(i, i + sweepConcurrency).map(async ({ storageKey, key }) => {
          if (registry.peek(storageKey) !== undefined) return;
          try {
            const stored = await access.call((store) => store.get(storageKey), 'read');
            const record = stored === undefined ? undefined : parseSessionRecord(stored.value);
            if (record === undefined) return;
            const at = nextDuty(record);
            if (at === undefined || agenda.dueAt(storageKey) !== undefined) return;
            agenda.arm(storageKey, key, at);
            armed += 1;
          } catch {
            // an unreadable entry is re-armed, or quarantined, when the session is read
          }
        }),
      );
    }
    return armed;
  }

  return { track, settle, tick, sweep };
}
