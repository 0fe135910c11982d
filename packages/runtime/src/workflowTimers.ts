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
