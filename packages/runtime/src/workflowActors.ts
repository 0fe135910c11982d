import type { Logger } from 'pino';
import { type AnyActorRef, createActor } from 'xstate';
import { announceStep } from './announceStep.ts';
import type { NormalizedSessionKey } from './keys.ts';
import { type RuntimeEvents, truncateId } from './runtimeEvents.ts';
import { retry, type SessionAccess } from './sessionAccess.ts';
import type { SessionLines } from './sessionLine.ts';
import { type WorkLease, withWorkflowSnapshot } from './sessionRecord.ts';
import type { LiveSession } from './sessionRegistry.ts';
import type { InspectOption, PersistedWorkflowSnapshot } from './types.ts';
import { type PreparedWorkflow, stateName, type WorkflowCatalogue } from './workflowCatalogue.ts';
import { dropTimer, inertClock, mirrorTimers, timersOfActor } from './workflowTimers.ts';

/** The live workflow actors of a runtime and the persistence of their own progress. */
export interface WorkflowActors {
  /**
   * The session's actor, rehydrated from the committed snapshot when there is none
   * (invoked work that was running when the snapshot was taken starts again).
   */
  ensure(session: LiveSession, workflow: PreparedWorkflow): AnyActorRef;
  /** Starts a fresh actor for a workflow just committed at its initial snapshot. */
  startFresh(session: LiveSession, workflow: PreparedWorkflow, input: unknown): AnyActorRef;
  /**
   * Delivers a committed event to the live actor (it lands where `transition` said);
   * `firedTimer` is the id of the timer the event comes from.
   */
  deliver(
    session: LiveSession,
    event: { type: string },
    firedTimer?: string,
    committedJson?: string,
  ): void;
  /** Stops and forgets the session's actor. */
  detach(session: LiveSession): void;
  /** True while the session's actor runs invoked work. */
  hasRunningWork(session: LiveSession): boolean;
  /**
   * Persists progress the actor made on its own (invoked work finished) before an
   * operation looks at the session; runs inside the session's line.
   */
  flush(session: LiveSession): Promise<void>;
  /** The session an actor system belongs to. */
  sessionOf(actorOrSystem: unknown): NormalizedSessionKey | undefined;
}

/** Dependencies of {@link createWorkflowActors}. */
export interface WorkflowActorsOptions {
  sessions: SessionAccess;
  lines: SessionLines;
  events: RuntimeEvents;
  catalogue: WorkflowCatalogue;
  logger: Logger;
  now: () => number;
  inspect: InspectOption | undefined;
  /** The work leases after a step the actor took on its own. */
  leasesOfActor(session: LiveSession, snapshot: PersistedWorkflowSnapshot): WorkLease[];
}

/**
 * An id naming the session, for inspectors:
 * `chatflow:<user>:<conversation>:<type>:<session>`, user and conversation ids cut to 8
 * characters (as in logs) and the first 8 characters of the session id, which keeps
 * ids apart that share their first 8 characters (Telegram supergroups, `-1001234…`).
 */
export function actorId(session: LiveSession, type: string): string {
  const { userId, conversationId } = session.key;
  return `chatflow:${truncateId(userId)}:${truncateId(conversationId)}:${type}:${session.record.sessionId.slice(0, 8)}`;
}

/**
 * Creates the actor side of a runtime. Each live workflow has one actor, named after
 * its session. Steps the actor takes on its own (an invoked trainer finishing) are
 * noticed through its subscription and committed through the session's line like any
 * step, then announced as runtime events with `source: 'internal'`. If such a commit
 * cannot be made (the store failed, or another runtime moved the workflow), the actor
 * is dropped: the store stays the truth and the next access rehydrates from it.
 *
 * @example
 * ```ts
 * const actors = createWorkflowActors({ sessions, lines, events, catalogue, logger, now, inspect });
 * actors.ensure(session, catalogue.get('ml_training')!);
 * ```
 */
export function createWorkflowActors(options: WorkflowActorsOptions): WorkflowActors {
  const { sessions, lines, events, catalogue, logger, now, inspect, leasesOfActor } = options;
  const systems = new WeakMap<object, NormalizedSessionKey>();

  function detach(session: LiveSession): void {
    const actor = session.actor;
    if (actor === undefined) return;
    session.subscription?.unsubscribe();
    delete session.subscription;
    delete session.actor;
    delete session.actorInstanceId;
    actor.stop();
  }

  function persistedOf(actor: AnyActorRef): PersistedWorkflowSnapshot {
    return actor.getPersistedSnapshot() as unknown as PersistedWorkflowSnapshot;
  }

  function scheduleSync(session: LiveSession): void {
    if (session.syncQueued) return;
    session.syncQueued = true;
    lines
      .run(session.storageKey, async () => {
        session.syncQueued = false;
        await flush(session);
      })
      .catch((error: unknown) => {
        logger.warn(
          { session: truncateId(session.record.sessionId), error: String(error) },
          'chatflow could not persist a workflow step taken without a message',
        );
      });
  }

  function attach(session: LiveSession, actor: AnyActorRef, instanceId: string): void {
    systems.set(actor.system, { ...session.key });
    session.actor = actor;
    session.actorInstanceId = instanceId;
    session.subscription = actor.subscribe({
      next: () => {
        if (!session.applying && session.actor === actor) scheduleSync(session);
      },
      error: (error: unknown) => {
        logger.error(
          { session: truncateId(session.record.sessionId), error: String(error) },
          'chatflow workflow actor failed; it will be rehydrated from the store',
        );
        if (session.actor === actor) detach(session);
      },
    });
  }

  function start(session: LiveSession, actor: AnyActorRef): void {
    session.applying = true;
    try {
      actor.start();
    } finally {
      session.applying = false;
    }
    if (JSON.stringify(persistedOf(actor)) !== session.committedJson) scheduleSync(session);
  }

  function ensure(session: LiveSession, workflow: PreparedWorkflow): AnyActorRef {
    const record = session.record.workflow;
    if (record === null) throw new Error('ensure() needs a workflow');
    if (session.actor !== undefined && session.actorInstanceId === record.instanceId) {
      return session.actor;
    }
    detach(session);
    const id = actorId(session, workflow.type);
    const actor = createActor(workflow.machine, {
      snapshot: record.snapshot as never,
      id,
      systemId: id,
      clock: inertClock,
      ...(inspect === undefined ? {} : { inspect }),
    });
    session.committedJson = JSON.stringify(record.snapshot);
    session.committedState = stateName(record.snapshot.value);
    attach(session, actor, record.instanceId);
    start(session, actor);
    mirrorTimers(actor, record.timers ?? [], now());
    return actor;
  }

  function startFresh(session: LiveSession, workflow: PreparedWorkflow, input: unknown) {
    const record = session.record.workflow;
    if (record === null) throw new Error('startFresh() needs a workflow');
    detach(session);
    const id = actorId(session, workflow.type);
    const actor = createActor(workflow.machine, {
      input,
      id,
      systemId: id,
      clock: inertClock,
      ...(inspect === undefined ? {} : { inspect }),
    });
    session.committedJson = JSON.stringify(record.snapshot);
    session.committedState = stateName(record.snapshot.value);
    attach(session, actor, record.instanceId);
    start(session, actor);
    return actor;
  }

  function deliver(
    session: LiveSession,
    event: { type: string },
    firedTimer?: string,
    committedJson?: string,
  ): void {
    const actor = session.actor;
    const record = session.record.workflow;
    if (record === null) return;
    session.committedJson = committedJson ?? JSON.stringify(record.snapshot);
    session.committedState = stateName(record.snapshot.value);
    if (actor === undefined || session.evicted) return;
    session.applying = true;
    try {
      if (firedTimer !== undefined) dropTimer(actor, firedTimer);
      actor.send(event);
    } finally {
      session.applying = false;
    }
    if (record.snapshot.status !== 'active') {
      detach(session);
      return;
    }
    // Deterministic machines land where the pure transition said; anything the actor
    // did beyond that (a callback answering at once) is persisted as its own step.
    if (JSON.stringify(persistedOf(actor)) !== session.committedJson) scheduleSync(session);
  }

  function hasRunningWork(session: LiveSession): boolean {
    const actor = session.actor;
    if (actor === undefined) return false;
    const children = (actor.getSnapshot() as { children?: Record<string, AnyActorRef> }).children;
    return Object.values(children ?? {}).some(
      (child) => (child.getSnapshot() as { status?: string }).status === 'active',
    );
  }

  async function flush(session: LiveSession): Promise<void> {
    const actor = session.actor;
    if (actor === undefined || session.evicted) return;
    const status = (actor.getSnapshot() as { status?: string }).status;
    if (status === 'error') {
      detach(session);
      return;
    }
    const snapshot = persistedOf(actor);
    const json = JSON.stringify(snapshot);
    if (json === session.committedJson) return;
    const base = session.committedJson;
    const from = session.committedState ?? '';
    const instanceId = session.actorInstanceId;
    try {
      await sessions.retrying(async () => {
        if (session.revision === -1) {
          // Another writer got there first: go on only if it left the workflow alone.
          const loaded = await sessions.load(session.storageKey, session.key);
          const fresh = loaded.kind === 'found' ? loaded.session.record.workflow : null;
          if (
            loaded.kind !== 'found' ||
            loaded.session !== session ||
            fresh === null ||
            fresh.instanceId !== instanceId ||
            JSON.stringify(fresh.snapshot) !== base
          ) {
            detach(session);
            return undefined;
          }
        }
        const previous = session.record.workflow?.timers ?? [];
        const written = await sessions.write(
          session,
          withWorkflowSnapshot(session.record, snapshot, {
            timers: timersOfActor(actor, previous, now()),
            work: leasesOfActor(session, snapshot),
          }),
          json,
        );
        return written ? true : retry;
      });
    } catch (error) {
      detach(session);
      throw error;
    }
    if (session.actor !== actor) return;
    session.committedJson = json;
    session.committedState = stateName(snapshot.value);
    announceStep(events, catalogue, session, from, snapshot, 'internal', now());
    if (snapshot.status !== 'active') detach(session);
  }

  function sessionOf(actorOrSystem: unknown): NormalizedSessionKey | undefined {
    if (typeof actorOrSystem !== 'object' || actorOrSystem === null) return undefined;
    const system = (actorOrSystem as { system?: unknown }).system ?? actorOrSystem;
    if (typeof system !== 'object' || system === null) return undefined;
    const key = systems.get(system);
    return key === undefined ? undefined : { ...key };
  }

  return { ensure, startFresh, deliver, detach, hasRunningWork, flush, sessionOf };
}
