import type { Logger } from 'pino';
import type { EventObject } from 'xstate';
import { keyPrefix, type NormalizedSessionKey, parseStorageKey } from './keys.ts';
import { truncateId } from './runtimeEvents.ts';
import { retry, type SessionAccess } from './sessionAccess.ts';
import type { SessionAgenda } from './sessionAgenda.ts';
import type { SessionLines } from './sessionLine.ts';
import {
  parseSessionRecord,
  type SessionRecord,
  type WorkflowRecord,
  type WorkLease,
} from './sessionRecord.ts';
import type { LiveSession, SessionRegistry } from './sessionRegistry.ts';
import type { StoreAccess } from './storeAccess.ts';
import type { WorkflowCatalogue } from './workflowCatalogue.ts';
import { actorId } from './workflowStates.ts';
import type { WorkflowSteps } from './workflowSteps.ts';
import {
  freshLease,
  holdsLease,
  isAbandoned,
  type LeaseHolder,
  workChildren,
} from './workLeases.ts';
import type { WorkRun, WorkRunner } from './workRunner.ts';

/**
 * What a session does on its own, without a message: its workflow's timers fall due,
 * and its invoked work runs, finishes, and is looked after (its lease renewed, or taken
 * over when its runtime died). The runtime keeps one alarm per session (its agenda) at
 * the next such moment, sets it whenever a record is read or written, and on the alarm
 * runs the session's due duties through its line.
 */
export interface SessionUpkeep {
  /** Sets the session's alarm from its record (after every read and write). */
  track(session: LiveSession): void;
  /**
   * Brings a session up to date before an operation looks at it: persists what its
   * actor did on its own, writes the outcome of work that finished here, takes over
   * work whose lease ran out, renews the leases of work running here, then fires the
   * timers that fell due (in order, each its own step). Resolves `false` on a write
   * conflict (the caller reloads and tries again).
   */
  settle(session: LiveSession): Promise<boolean>;
  /** Runs a session's due duties in its line (what its alarm calls). */
  tick(storageKey: string, key: NormalizedSessionKey): Promise<void>;
  /**
   * Reads every session of the store (where it can list keys) and arms the alarms of
   * those with pending timers or work. Resolves to the number armed.
   */
  sweep(): Promise<number>;
  /**
   * Hands back the leases of the work running here (their lease ends now, so another
   * runtime takes the work over at once) and stops that work. For `shutdown()`.
   */
  release(): Promise<void>;
}

/** Dependencies of {@link createSessionUpkeep}. */
export interface SessionUpkeepOptions {
  access: StoreAccess;
  agenda: SessionAgenda;
  catalogue: WorkflowCatalogue;
  runner: WorkRunner;
  /** This runtime, as a holder of work leases. */
  holder: LeaseHolder;
  /** How long a lease holds without renewal. */
  leaseMs: number;
  /** The most attempts of one piece of work. */
  maxAttempts: number;
  lines: SessionLines;
  logger: Logger;
  now: () => number;
  registry: SessionRegistry;
  sessions: SessionAccess;
  steps: WorkflowSteps;
}

/** How many records the start-up sweep reads at once. */
const sweepConcurrency = 16;

/** The wait before a session that stays due after its duties is looked at again. */
const stallDelayMs = 1000;

/** The longest wait before a failed alarm is tried again. */
const longestBackOffMs = 60_000;

/**
 * Creates the upkeep of a runtime's sessions.
 *
 * @example
 * ```ts
 * const upkeep = createSessionUpkeep({ access, agenda, lines, logger, now, registry, sessions, steps });
 * if (!(await upkeep.settle(session))) return retry;
 * ```
 */
export function createSessionUpkeep(options: SessionUpkeepOptions): SessionUpkeep {
  const { access, agenda, catalogue, runner, holder, leaseMs, maxAttempts } = options;
  const { lines, logger, now, registry, sessions, steps } = options;
  const failures = new Map<string, number>();
  /** A lease is renewed once a third of it ran. */
  const renewAheadMs = (leaseMs * 2) / 3;

  function activeOf(record: SessionRecord): WorkflowRecord | null {
    const workflow = record.workflow;
    return workflow !== null && workflow.snapshot.status === 'active' ? workflow : null;
  }

  /** The work children of a workflow that have no lease (written before leases). */
  function unleased(workflow: WorkflowRecord) {
    const sources = catalogue.get(workflow.type)?.workSources;
    if (sources === undefined) return [];
    const leases = workflow.work ?? [];
    return workChildren(workflow.snapshot, sources).filter(
      (child) => !leases.some((lease) => lease.invokeId === child.invokeId),
    );
  }

  /** The next moment a record needs its runtime, or `undefined`. */
  function nextDuty(record: SessionRecord): number | undefined {
    const workflow = activeOf(record);
    if (workflow === null) return undefined;
    const phase = sessions.phaseOf(record);
    if (phase === 'gone') return undefined;
    const at = now();
    let next = Number.POSITIVE_INFINITY;
    // Timers fire only while the session is active: one that falls due while it is
    // expired waits for its recovery. Work goes on during the grace period.
    if (phase === 'active')
      for (const timer of workflow.timers ?? []) next = Math.min(next, timer.dueAt);
    for (const lease of workflow.work ?? []) {
      if (lease.finished === true) continue;
      if (holdsLease(lease, holder)) {
        const run = runner.get(lease.workId, lease.attempt);
        next = Math.min(next, run?.outcome !== undefined ? at : lease.leaseUntil - renewAheadMs);
      } else {
        next = Math.min(next, isAbandoned(lease, holder, at) ? at : lease.leaseUntil);
      }
    }
    if (unleased(workflow).length > 0) next = at;
    return Number.isFinite(next) ? next : undefined;
  }

  /** Starts the work this runtime holds a lease of and does not run yet. */
  function startHeldWork(session: LiveSession, workflow: WorkflowRecord): void {
    const prepared = catalogue.get(workflow.type);
    if (prepared === undefined) return;
    const children = workChildren(workflow.snapshot, prepared.workSources);
    for (const lease of workflow.work ?? []) {
      if (lease.finished === true || !holdsLease(lease, holder)) continue;
      if (runner.get(lease.workId, lease.attempt) !== undefined) continue;
      const child = children.find((candidate) => candidate.invokeId === lease.invokeId);
      const logic = prepared.work.get(lease.src);
      if (child === undefined || logic === undefined) continue;
      runner.start({
        storageKey: session.storageKey,
        key: { ...session.key },
        sessionId: session.record.sessionId,
        workflow: workflow.type,
        instanceId: workflow.instanceId,
        invokeId: lease.invokeId,
        workId: lease.workId,
        attempt: lease.attempt,
        logic,
        input: child.input,
        actorId: `${actorId(session, workflow.type)}:${lease.invokeId}#${lease.attempt}`,
      });
    }
  }

  /** Stops the runs here that the record no longer leases to this runtime. */
  function stopUnleasedRuns(session: LiveSession, workflow: WorkflowRecord | null): void {
    for (const run of runner.of(session.storageKey)) {
      const held = (workflow?.work ?? []).some(
        (lease) =>
          holdsLease(lease, holder) &&
          lease.finished !== true &&
          lease.workId === run.workId &&
          lease.attempt === run.attempt &&
          workflow?.instanceId === run.instanceId,
      );
      if (!held) runner.stop(run);
    }
  }

  /** True while the record has work that is not finished: the process waits for it. */
  function hasWork(record: SessionRecord): boolean {
    const workflow = activeOf(record);
    return workflow?.work?.some((lease) => lease.finished !== true) ?? false;
  }

  function track(session: LiveSession): void {
    const workflow = sessions.phaseOf(session.record) === 'gone' ? null : activeOf(session.record);
    stopUnleasedRuns(session, workflow);
    if (workflow !== null) startHeldWork(session, workflow);
    agenda.arm(session.storageKey, session.key, nextDuty(session.record), hasWork(session.record));
  }

  /** The record with the workflow's leases replaced. */
  function withLeases(record: SessionRecord, work: WorkLease[]): SessionRecord {
    const workflow = record.workflow;
    if (workflow === null) return record;
    const { work: _previous, ...rest } = workflow;
    return { ...record, workflow: work.length === 0 ? rest : { ...rest, work } };
  }

  /** XState's done or error event of an invoked actor. */
  function outcomeEvent(invokeId: string, run: Pick<WorkRun, 'outcome'>): EventObject {
    const outcome = run.outcome;
    const event: EventObject & Record<string, unknown> =
      outcome?.ok === true
        ? { type: `xstate.done.actor.${invokeId}`, output: outcome.output, actorId: invokeId }
        : { type: `xstate.error.actor.${invokeId}`, error: outcome?.error, actorId: invokeId };
    return event;
  }

  /**
   * One duty of the session's work, if one is due: write an outcome, take work over,
   * give up on work interrupted too often, or renew leases. Resolves to `done` when
   * there was nothing (more) to do, `again` after a duty, `conflict` on a write conflict.
   */
  async function workDuty(session: LiveSession): Promise<'done' | 'again' | 'conflict'> {
    const workflow = activeOf(session.record);
    if (workflow === null || sessions.phaseOf(session.record) === 'gone') return 'done';
    if (catalogue.get(workflow.type) === undefined) return 'done';
    const at = now();
    const leases = workflow.work ?? [];
    const outcome = (result: boolean) => (result ? 'again' : 'conflict');
    for (const lease of leases) {
      if (lease.finished === true || !holdsLease(lease, holder)) continue;
      const run = runner.get(lease.workId, lease.attempt);
      if (run?.outcome === undefined) continue;
      const written = await steps.commit(session, outcomeEvent(lease.invokeId, run), {
        source: 'internal',
        finishedWork: lease.invokeId,
      });
      if (written) runner.finish(run);
      return outcome(written);
    }
    const orphan = unleased(workflow)[0];
    if (orphan !== undefined) {
      const lease = freshLease(orphan.invokeId, orphan.src, holder, at + leaseMs);
      return outcome(await sessions.write(session, withLeases(session.record, [...leases, lease])));
    }
    const abandoned = leases.find(
      (lease) => lease.finished !== true && isAbandoned(lease, holder, at),
    );
    if (abandoned !== undefined) {
      if (abandoned.attempt >= maxAttempts) {
        const error = new Error(
          `The work "${abandoned.invokeId}" was interrupted ${abandoned.attempt} times (its runtime stopped) and is not run again.`,
        );
        logger.warn(
          {
            session: truncateId(session.record.sessionId),
            work: abandoned.invokeId,
            attempts: abandoned.attempt,
          },
          'chatflow gave up on work interrupted too often',
        );
        return outcome(
          await steps.commit(
            session,
            outcomeEvent(abandoned.invokeId, { outcome: { ok: false, error } }),
            {
              source: 'internal',
              finishedWork: abandoned.invokeId,
            },
          ),
        );
      }
      const taken: WorkLease = {
        ...abandoned,
        attempt: abandoned.attempt + 1,
        owner: holder.id,
        ownerName: holder.name,
        leaseUntil: at + leaseMs,
      };
      logger.info(
        {
          session: truncateId(session.record.sessionId),
          work: abandoned.invokeId,
          attempt: taken.attempt,
        },
        'chatflow took over work whose runtime stopped',
      );
      const next = leases.map((lease) => (lease === abandoned ? taken : lease));
      return outcome(await sessions.write(session, withLeases(session.record, next)));
    }
    const renewing = leases.filter(
      (lease) =>
        lease.finished !== true &&
        holdsLease(lease, holder) &&
        runner.get(lease.workId, lease.attempt) !== undefined &&
        lease.leaseUntil - renewAheadMs <= at,
    );
    if (renewing.length > 0) {
      const next = leases.map((lease) =>
        renewing.includes(lease) ? { ...lease, leaseUntil: at + leaseMs } : lease,
      );
      const written = await sessions.write(session, withLeases(session.record, next));
      return written ? 'done' : 'conflict';
    }
    return 'done';
  }

  async function fireDueTimers(session: LiveSession): Promise<boolean> {
    for (;;) {
      const workflow = activeOf(session.record);
      if (workflow === null) return true;
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
    for (;;) {
      const result = await workDuty(session);
      if (result === 'conflict') return false;
      if (result === 'done') break;
    }
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
          const due = agenda.dueAt(storageKey);
          if (due !== undefined && due <= now()) {
            // Its duties ran and it is still due: wait a little rather than spin.
            logger.warn(
              { user: truncateId(key.userId) },
              'chatflow found a session still due after its duties ran',
            );
            agenda.arm(storageKey, key, now() + stallDelayMs);
          }
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
            agenda.arm(storageKey, key, at, hasWork(record));
            armed += 1;
          } catch {
            // an unreadable entry is re-armed, or quarantined, when the session is read
          }
        }),
      );
    }
    return armed;
  }

  async function release(): Promise<void> {
    for (const run of runner.all()) {
      if (run.outcome !== undefined) continue;
      await lines
        .run(run.storageKey, () =>
          sessions.retrying(async () => {
            const loaded = await sessions.load(run.storageKey, run.key);
            if (loaded.kind !== 'found') return undefined;
            const { session } = loaded;
            const leases = session.record.workflow?.work ?? [];
            const held = leases.find(
              (lease) =>
                holdsLease(lease, holder) &&
                lease.workId === run.workId &&
                lease.attempt === run.attempt,
            );
            if (held === undefined) return undefined;
            const next = leases.map((lease) =>
              lease === held ? { ...lease, leaseUntil: now() } : lease,
            );
            return (await sessions.write(session, withLeases(session.record, next)))
              ? undefined
              : retry;
          }),
        )
        .catch((error: unknown) => {
          logger.warn(
            { session: truncateId(run.sessionId), error: String(error) },
            'chatflow could not hand back a work lease; it runs out by itself',
          );
        });
    }
    for (const run of runner.all()) runner.stop(run);
  }

  return { track, settle, tick, sweep, release };
}
