import { copiedOnRead } from './copiedOnRead.ts';
import type { RuntimeEvents } from './runtimeEvents.ts';
import type { LiveSession } from './sessionRegistry.ts';
import type { PersistedWorkflowSnapshot, RuntimeEvent, StepSource } from './types.ts';
import { promptOf, stateName, type WorkflowCatalogue } from './workflowCatalogue.ts';

/**
 * Announces a committed workflow step: `workflow.transition`, then, when the machine
 * reached a final state, `workflow.cancelled` (a final state named `cancelled`) or
 * `workflow.completed` with the machine's output.
 *
 * @example
 * ```ts
 * announceStep(events, catalogue, session, 'training', snapshot, 'internal', now());
 * ```
 */
export function announceStep(
  events: RuntimeEvents,
  catalogue: WorkflowCatalogue,
  session: LiveSession,
  from: string,
  snapshot: PersistedWorkflowSnapshot,
  source: StepSource,
  at: number,
): void {
  const workflow = session.record.workflow;
  if (workflow === null) return;
  const machine = catalogue.get(workflow.type)?.machine;
  const state = stateName(snapshot.value);
  const base = {
    key: { ...session.key },
    sessionId: session.record.sessionId,
    at,
  };
  const details = {
    workflow: workflow.type,
    state,
    prompt: machine === undefined ? '' : promptOf(machine, snapshot.value),
    done: snapshot.status !== 'active',
  };
  // Listeners get copies of the committed context and output (made when first read), so
  // one that changes them changes nothing in the runtime.
  const transition = { type: 'workflow.transition', ...base, ...details, from, source };
  copiedOnRead(transition, 'context', snapshot.context);
  events.emit(transition as RuntimeEvent);
  if (snapshot.status !== 'done') return;
  if (state === 'cancelled') {
    events.emit({
      type: 'workflow.cancelled',
      ...base,
      workflow: workflow.type,
      state: from,
      reason: 'event',
    });
    return;
  }
  const completed = { type: 'workflow.completed', ...base, ...details, source };
  copiedOnRead(completed, 'context', snapshot.context);
  copiedOnRead(completed, 'output', snapshot.output);
  events.emit(completed as RuntimeEvent);
}
