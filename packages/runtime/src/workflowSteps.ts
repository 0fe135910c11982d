import type { EventObject } from 'xstate';
import { announceStep } from './announceStep.ts';
import type { RuntimeEvents } from './runtimeEvents.ts';
import type { SessionAccess } from './sessionAccess.ts';
import {
  type SessionRecord,
  type WorkLease,
  withAppliedMessage,
  withWorkflowSnapshot,
} from './sessionRecord.ts';
import type { LiveSession } from './sessionRegistry.ts';
import type { PersistedWorkflowSnapshot, StepSource } from './types.ts';
import { stateName, type WorkflowCatalogue } from './workflowCatalogue.ts';
import type { WorkflowStates } from './workflowStates.ts';
import { nextTimers, type StepAction } from './workflowTimers.ts';

/** How a step is committed. */
export interface CommitOptions {
  /** Who caused it, for the `workflow.transition` event. */
  source: StepSource;
  /**
   * Whether the step counts as the session's activity (user steps do).
   * @default false
   */
  touch?: boolean;
  /** The id of the timer whose event this is (it is removed from the record). */
  firedTimer?: string;
  /** The invoke id of the work whose outcome this is (its lease ends with it). */
  finishedWork?: string;
  /** The message id to remember as applied, in the same write. */
  messageId?: string;
}

/** Taking machine events as durable steps of a session's workflow. */
export interface WorkflowSteps {
  /**
   * Takes `event` as a step of the session's active workflow: computes it with one pure
   * transition from the session's live state, writes the record by compare-and-set
   * with the timers and work leases the step leaves, then makes the new snapshot the
   * live state and announces the step. Resolves `false` on a write conflict: nothing
   * was changed, the caller reloads and tries again.
   */
  commit(session: LiveSession, event: EventObject, options: CommitOptions): Promise<boolean>;
}

/** Dependencies of {@link createWorkflowSteps}. */
export interface WorkflowStepsOptions {
  states: WorkflowStates;
  catalogue: WorkflowCatalogue;
  events: RuntimeEvents;
  sessions: SessionAccess;
  now: () => number;
  /** The record with its last activity set to now. */
  touched(record: SessionRecord): SessionRecord;
  /** The work leases after a step (see `nextLeases`). */
  leasesAfter(
    session: LiveSession,
    snapshot: PersistedWorkflowSnapshot,
    actions: readonly StepAction[],
    finishedWork: string | undefined,
  ): WorkLease[];
}

/**
 * Creates the step committer shared by user events, fired timers and finished work.
 *
 * @example
 * ```ts
 * const steps = createWorkflowSteps({ states, catalogue, events, sessions, now, touched, leasesAfter });
 * if (!(await steps.commit(session, { type: 'cancel' }, { source: 'user', touch: true }))) return retry;
 * ```
 */
export function createWorkflowSteps(options: WorkflowStepsOptions): WorkflowSteps {
  const { states, catalogue, events, sessions, now, touched, leasesAfter } = options;

  async function commit(
    session: LiveSession,
    event: EventObject,
    commitOptions: CommitOptions,
  ): Promise<boolean> {
    const workflow = session.record.workflow;
    if (workflow === null || workflow.snapshot.status !== 'active') return true;
    const prepared = catalogue.get(workflow.type);
    if (prepared === undefined) return true;
    const [next, actions] = prepared.stepper.step(states.current(session, prepared), event);
    const snapshot = prepared.machine.getPersistedSnapshot(
      next,
    ) as unknown as PersistedWorkflowSnapshot;
    const at = now();
    const timers = nextTimers(workflow.timers ?? [], actions, at, commitOptions.firedTimer);
    const work = leasesAfter(session, snapshot, actions, commitOptions.finishedWork);
    const base = commitOptions.touch === true ? touched(session.record) : session.record;
    const record = withAppliedMessage(
      withWorkflowSnapshot(base, snapshot, { timers, work }),
      commitOptions.messageId,
    );
    const from = stateName(workflow.snapshot.value);
    // A user step is always announced; one without a message only when it changed the
    // workflow (a timer whose transition a guard refused changes nothing but the timers).
    const announced =
      commitOptions.source === 'user' ||
      JSON.stringify(snapshot) !== JSON.stringify(workflow.snapshot);
    if (!(await sessions.write(session, record))) return false;
    states.committed(session, prepared, next, snapshot, event);
    if (announced) {
      announceStep(events, catalogue, session, from, snapshot, commitOptions.source, at);
    }
    return true;
  }

  return { commit };
}
