import type { AnyActorRef } from 'xstate';
import type { WorkflowTimer } from './sessionRecord.ts';

/** An action as XState's pure `transition()` and `initialTransition()` return it. */
export interface StepAction {
  type: string;
  params?: unknown;
}

/**
 * A clock for workflow actors that never fires: XState's own timers are switched off,
 * since a restored actor would drop them. The runtime keeps each delayed event in the
 * session record and fires it itself (see {@link nextTimers}).
 */
export const inertClock = {
  setTimeout: (_callback: (...args: unknown[]) => void, _ms: number): object => ({}),
  clearTimeout: (_handle: unknown): void => {},
};

function paramsOf(action: StepAction): Record<string, unknown> {
  const params = action.params;
  return typeof params === 'object' && params !== null ? (params as Record<string, unknown>) : {};
}

function isEvent(value: unknown): value is WorkflowTimer['event'] {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string'
  );
}

/** Timers sorted soonest first (ties keep their order). */
function soonestFirst(timers: WorkflowTimer[]): WorkflowTimer[] {
  return [...timers].sort((a, b) => a.dueAt - b.dueAt);
}

/**
 * The pending timers after a step, from the actions of the step (as XState's pure
 * `transition()` returns them): a delayed `xstate.raise` (which is how `after`
 * transitions schedule) adds a timer due at `now + delay`, replacing one of the same
 * id; an `xstate.cancel` (leaving the state) removes the timer of its id. `firedId`
 * is the timer whose event this step delivered: it is gone before the actions apply,
 * as XState's scheduler drops a fired event (a step that schedules it again adds it
 * anew).
 *
 * @example
 * ```ts
 * const [next, actions] = transition(machine, snapshot, event);
 * const timers = nextTimers(record.workflow.timers ?? [], actions, now());
 * ```
 */
export function nextTimers(
  previous: readonly WorkflowTimer[],
  actions: readonly StepAction[],
  now: number,
  firedId?: string,
): WorkflowTimer[] {
  let timers = previous.filter((timer) => timer.id !== firedId);
  for (const action of actions) {
    const params = paramsOf(action);
    if (action.type === 'xstate.cancel' && typeof params.sendId === 'string') {
      const id = params.sendId;
      timers = timers.filter((timer) => timer.id !== id);
    } else if (
      action.type === 'xstate.raise' &&
      typeof params.delay === 'number' &&
      Number.isFinite(params.delay) &&
      isEvent(params.event)
    ) {
      const id =
        typeof params.id === 'string' ? params.id : `chatflow.timer.${crypto.randomUUID()}`;
      timers = timers.filter((timer) => timer.id !== id);
      timers.push({
        id,
        event: structuredClone(params.event),
        dueAt: now + Math.max(0, params.delay),
      });
    }
  }
  return soonestFirst(timers);
}

interface ScheduledEvent {
  id: string;
  event: unknown;
  delay: number;
  source: unknown;
}

/** The delayed events an actor's system holds for the actor itself, by id. */
function scheduledBy(actor: AnyActorRef): Map<string, ScheduledEvent> {
  const system = actor.system as { getSnapshot?: () => { _scheduledEvents?: unknown } };
  const scheduled = system.getSnapshot?.()._scheduledEvents;
  const byId = new Map<string, ScheduledEvent>();
  if (typeof scheduled !== 'object' || scheduled === null) return byId;
  for (const entry of Object.values(scheduled as Record<string, ScheduledEvent>)) {
    if (entry.source === actor && typeof entry.id === 'string') byId.set(entry.id, entry);
  }
  return byId;
}

/**
 * The pending timers after a step the live actor took on its own (not through the
 * runtime's pure transition): the timers still scheduled in the actor's system keep
 * their deadline, those it cancelled are gone, and new ones are due `delay` after now.
 * The actor's scheduler mirrors the record (see {@link mirrorTimers}), so the two
 * agree.
 */
export function timersOfActor(
  actor: AnyActorRef,
  previous: readonly WorkflowTimer[],
  now: number,
): WorkflowTimer[] {
  const scheduled = scheduledBy(actor);
  const timers: WorkflowTimer[] = [];
  for (const timer of previous) {
    if (scheduled.has(timer.id)) timers.push(timer);
    scheduled.delete(timer.id);
  }
  for (const entry of scheduled.values()) {
    if (!isEvent(entry.event)) continue;
    timers.push({ id: entry.id, event: structuredClone(entry.event), dueAt: now + entry.delay });
  }
  return soonestFirst(timers);
}

/**
 * Registers a restored actor's pending timers with its (inert) scheduler, so leaving
 * the state cancels them there as it would have, and {@link timersOfActor} sees them.
 * XState drops scheduled events when a snapshot is restored; the record kept them.
 */
export function mirrorTimers(
  actor: AnyActorRef,
  timers: readonly WorkflowTimer[],
  now: number,
): void {
  const scheduled = scheduledBy(actor);
  for (const timer of timers) {
    if (scheduled.has(timer.id)) continue;
    actor.system.scheduler.schedule(
      actor,
      actor,
      structuredClone(timer.event),
      Math.max(0, timer.dueAt - now),
      timer.id,
    );
  }
}

/** Forgets a fired timer in the actor's scheduler before its event is delivered. */
export function dropTimer(actor: AnyActorRef, id: string): void {
  actor.system.scheduler.cancel(actor, id);
}
