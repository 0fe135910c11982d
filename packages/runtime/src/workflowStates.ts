import type { Logger } from 'pino';
import { type AnyActorRef, type AnyMachineSnapshot, createActor } from 'xstate';
import type { NormalizedSessionKey } from './keys.ts';
import { truncateId } from './runtimeEvents.ts';
import type { LiveSession } from './sessionRegistry.ts';
import type { InspectOption, PersistedWorkflowSnapshot } from './types.ts';
import type { PreparedWorkflow } from './workflowCatalogue.ts';
import { inertClock } from './workflowTimers.ts';

/**
 * The live state of each session's workflow: the machine snapshot its committed record
 * resolves to, kept beside the record so a step is one pure transition.
 *
 * A live session holds its workflow as a resolved snapshot, not as a running actor:
 * the runtime already runs invoked work itself (under a lease) and keeps `after`
 * timers in the record, so an actor would only compute every step a second time. With
 * an `inspect` option, each session also gets an actor that mirrors its committed steps
 * (same id, same events), so the Stately inspector sees one actor per session.
 */
export interface WorkflowStates {
  /**
   * The session's current machine snapshot: the cached one while it belongs to the
   * record's committed snapshot, else restored from it.
   */
  current(session: LiveSession, workflow: PreparedWorkflow): AnyMachineSnapshot;
  /**
   * Records that `next` (persisted as `persisted`, now in the session's record) is the
   * session's committed state after `event`; the inspector mirror receives `event`.
   */
  committed(
    session: LiveSession,
    workflow: PreparedWorkflow,
    next: AnyMachineSnapshot,
    persisted: PersistedWorkflowSnapshot,
    event: { type: string },
  ): void;
  /** Records a workflow just started at `initial`; the mirror starts anew. */
  started(
    session: LiveSession,
    workflow: PreparedWorkflow,
    initial: AnyMachineSnapshot,
    persisted: PersistedWorkflowSnapshot,
    input: unknown,
  ): void;
  /** Forgets the session's cached state and stops its mirror. */
  detach(session: LiveSession): void;
  /** The session an inspector mirror (or its actor system) belongs to. */
  sessionOf(actorOrSystem: unknown): NormalizedSessionKey | undefined;
}

/** Dependencies of {@link createWorkflowStates}. */
export interface WorkflowStatesOptions {
  logger: Logger;
  inspect: InspectOption | undefined;
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
 * Creates the live workflow states of a runtime.
 *
 * @example
 * ```ts
 * const states = createWorkflowStates({ logger, inspect: undefined });
 * const [next, actions] = prepared.stepper.step(states.current(session, prepared), event);
 * ```
 */
export function createWorkflowStates(options: WorkflowStatesOptions): WorkflowStates {
  const { logger, inspect } = options;
  const systems = new WeakMap<object, NormalizedSessionKey>();

  function stopMirror(session: LiveSession): void {
    const mirror = session.mirror;
    if (mirror === undefined) return;
    session.mirror = undefined;
    mirror.stop();
  }

  // Fields are cleared by assignment, not `delete`, which would turn every live session
  // object into a slower dictionary-mode object.
  function detach(session: LiveSession): void {
    session.state = undefined;
    session.stateOf = undefined;
    stopMirror(session);
  }

  /** Starts the inspector's actor of a session, at a persisted snapshot or from input. */
  function startMirror(
    session: LiveSession,
    workflow: PreparedWorkflow,
    from: { snapshot: PersistedWorkflowSnapshot } | { input: unknown },
  ): void {
    if (inspect === undefined) return;
    stopMirror(session);
    const id = actorId(session, workflow.type);
    const mirror: AnyActorRef = createActor(workflow.machine, {
      ...('snapshot' in from ? { snapshot: from.snapshot as never } : { input: from.input }),
      id,
      systemId: id,
      clock: inertClock,
      inspect,
    });
    systems.set(mirror.system, { ...session.key });
    mirror.subscribe({
      error: (error: unknown) => {
        logger.warn(
          { session: truncateId(session.record.sessionId), error: String(error) },
          'chatflow inspector mirror failed; the next step restores it',
        );
        if (session.mirror === mirror) session.mirror = undefined;
      },
    });
    session.mirror = mirror;
    mirror.start();
  }

  function current(session: LiveSession, workflow: PreparedWorkflow): AnyMachineSnapshot {
    const record = session.record.workflow;
    if (record === null) throw new Error('current() needs a workflow');
    if (session.state !== undefined && session.stateOf === record.snapshot) return session.state;
    const state = workflow.stepper.restore(record.snapshot);
    session.state = state;
    session.stateOf = record.snapshot;
    startMirror(session, workflow, { snapshot: record.snapshot });
    return state;
  }

  function committed(
    session: LiveSession,
    workflow: PreparedWorkflow,
    next: AnyMachineSnapshot,
    persisted: PersistedWorkflowSnapshot,
    event: { type: string },
  ): void {
    if (session.evicted) return;
    if (persisted.status !== 'active') {
      detach(session);
      return;
    }
    session.state = next;
    session.stateOf = persisted;
    if (inspect === undefined) return;
    if (session.mirror === undefined) startMirror(session, workflow, { snapshot: persisted });
    else session.mirror.send(event);
  }

  function started(
    session: LiveSession,
    workflow: PreparedWorkflow,
    initial: AnyMachineSnapshot,
    persisted: PersistedWorkflowSnapshot,
    input: unknown,
  ): void {
    detach(session);
    if (persisted.status !== 'active') return;
    session.state = initial;
    session.stateOf = persisted;
    startMirror(session, workflow, { input });
  }

  function sessionOf(actorOrSystem: unknown): NormalizedSessionKey | undefined {
    if (typeof actorOrSystem !== 'object' || actorOrSystem === null) return undefined;
    const system = (actorOrSystem as { system?: unknown }).system ?? actorOrSystem;
    if (typeof system !== 'object' || system === null) return undefined;
    const key = systems.get(system);
    return key === undefined ? undefined : { ...key };
  }

  return {
    current,
    committed,
    started,
    detach,
    sessionOf,
  };
}
