import type { WorkflowInput } from '@chatflow/machines';
import { acceptedEvents, candidateTransitions, matchesDescriptor } from './acceptedEvents.ts';
import { copiedOnRead } from './copiedOnRead.ts';
import { copyValue } from './copyValue.ts';
import { UnknownWorkflowError } from './errors.ts';
import { explainRefusal } from './explainRefusal.ts';
import { normalizeSessionKey, sessionStorageKey } from './keys.ts';
import { messageIdOf } from './messageId.ts';
import { parseUserEvent } from './parseUserEvent.ts';
import type { RuntimeCore } from './runtimeCore.ts';
import { retry } from './sessionAccess.ts';
import { type SessionRecord, withAppliedMessage, withWorkflowSnapshot } from './sessionRecord.ts';
import type { LiveSession } from './sessionRegistry.ts';
import type {
  CancelResult,
  PersistedWorkflowSnapshot,
  SessionKey,
  StepFailure,
  StepOptions,
  StepResult,
  StepSuccess,
} from './types.ts';
import { promptOf, stateName } from './workflowCatalogue.ts';
import { nextTimers } from './workflowTimers.ts';

/** What {@link eventTypeOf} answers when reading the type threw. */
const unreadable: unique symbol = Symbol('unreadable');

/**
 * The `type` of what was sent as an event (`undefined` for a non-object), or
 * {@link unreadable} when reading it threw: a proxy or a getter, a malformed event
 * answered like any other.
 */
function eventTypeOf(event: unknown): unknown {
  if (typeof event !== 'object' || event === null) return undefined;
  try {
    return (event as { type?: unknown }).type;
  } catch {
    return unreadable;
  }
}

/**
 * The workflow operations of a runtime: `startWorkflow`, `send` and `cancelWorkflow`.
 * A step is computed with XState's pure `transition`, written by compare-and-set, and
 * only then delivered to the live actor, so a failed write changes nothing.
 *
 * @example
 * ```ts
 * const { send } = createWorkflowOperations(core);
 * const step = await send(key, { type: 'target.selected', column: 'price' });
 * ```
 */
export function createWorkflowOperations(core: RuntimeCore) {
  const {
    states,
    catalogue,
    events,
    lines,
    now,
    sessions,
    steps,
    upkeep,
    eventBase,
    touched,
    activeWorkflow,
    leasesAfter,
  } = core;

  function success(session: LiveSession, replaced?: string): StepSuccess {
    const workflow = session.record.workflow!;
    const machine = catalogue.get(workflow.type)!.machine;
    const result = {
      ok: true,
      workflow: workflow.type,
      state: stateName(workflow.snapshot.value),
      prompt: promptOf(machine, workflow.snapshot.value),
      done: workflow.snapshot.status !== 'active',
    } as StepSuccess;
    copiedOnRead(result, 'context', workflow.snapshot.context);
    if (replaced !== undefined) result.replaced = replaced;
    return result;
  }

  function failure(code: StepFailure['code'], message: string, state: string | null): StepFailure {
    return { ok: false, code, message, state };
  }

  /** The answer to a message whose step was already applied: the current step. */
  function duplicate(session: LiveSession): StepResult {
    if (session.record.workflow === null) {
      return failure(
        'NO_ACTIVE_WORKFLOW',
        `There is no workflow running. Start one of: ${catalogue.types.join(', ')}.`,
        null,
      );
    }
    return { ...success(session), duplicate: true };
  }

  /** Announces a refused step: its code and state, the event's type, never its payload. */
  function announceRefusal(session: LiveSession, event: unknown, refused: StepFailure): void {
    const type = eventTypeOf(event);
    events.emit({
      type: 'step.refused',
      ...eventBase(session),
      workflow: activeWorkflow(session)?.type ?? null,
      eventType: typeof type === 'string' ? type.slice(0, 60) : null,
      code: refused.code,
      state: refused.state,
    });
  }

  async function startWorkflow(
    input: SessionKey,
    workflowType: string,
    options?: StepOptions,
  ): Promise<StepResult> {
    const key = normalizeSessionKey(input);
    const messageId = messageIdOf(options);
    const prepared = catalogue.get(String(workflowType));
    if (prepared === undefined)
      throw new UnknownWorkflowError(String(workflowType), catalogue.types);
    const storageKey = sessionStorageKey(key);
    lines.interrupt(storageKey);
    return lines.run(storageKey, () =>
      sessions.retrying(async () => {
        const session = await sessions.requireActive(storageKey, key);
        if (!(await upkeep.settle(session))) return retry;
        if (messageId !== undefined && session.record.appliedMessages?.includes(messageId)) {
          return duplicate(session);
        }
        const running = activeWorkflow(session);
        const workflowInput: WorkflowInput = { models: copyValue(session.record.models) };
        const [initial, actions] = prepared.stepper.initial(workflowInput);
        const snapshot = prepared.machine.getPersistedSnapshot(
          initial,
        ) as unknown as PersistedWorkflowSnapshot;
        const started: SessionRecord = {
          ...touched(session.record),
          workflow: {
            type: prepared.type,
            version: prepared.definition.version,
            instanceId: crypto.randomUUID(),
            startedAt: now(),
            snapshot,
          },
        };
        const next = withAppliedMessage(
          withWorkflowSnapshot(started, snapshot, {
            timers: nextTimers([], actions, now()),
            work: leasesAfter(prepared.type, [], snapshot, actions),
          }),
          messageId,
        );
        if (!(await sessions.write(session, next))) return retry;
        if (running !== null) {
          events.emit({
            type: 'workflow.cancelled',
            ...eventBase(session),
            workflow: running.type,
            state: stateName(running.snapshot.value),
            reason: 'replaced',
          });
        }
        states.started(session, prepared, initial, snapshot, workflowInput);
        const result = success(session, running?.type);
        events.emit({
          type: 'workflow.started',
          ...eventBase(session),
          workflow: prepared.type,
          state: result.ok ? result.state : '',
          prompt: result.ok ? result.prompt : '',
          done: result.ok ? result.done : false,
          context: result.ok ? result.context : undefined,
          ...(running === null ? {} : { replaced: running.type }),
        });
        return result;
      }),
    );
  }

  async function send(
    input: SessionKey,
    event: unknown,
    options?: StepOptions,
  ): Promise<StepResult> {
    const key = normalizeSessionKey(input);
    const messageId = messageIdOf(options);
    const storageKey = sessionStorageKey(key);
    return lines.runForWorkflow(storageKey, () =>
      sessions.retrying(async () => {
        const session = await sessions.requireActive(storageKey, key);
        if (!(await upkeep.settle(session))) return retry;
        if (messageId !== undefined && session.record.appliedMessages?.includes(messageId)) {
          return duplicate(session);
        }
        const result = await takeStep(session, event, messageId);
        if (result !== retry && !result.ok) {
          // A refusal writes nothing, so no compare-and-set would notice that another
          // runtime moved the session on: check that the state refused from is current.
          if (!(await sessions.isCurrent(session))) return retry;
          announceRefusal(session, event, result);
        }
        return result;
      }),
    );
  }

  /** Validates a user event and takes it as a step; a refusal is a result. */
  async function takeStep(
    session: LiveSession,
    event: unknown,
    messageId: string | undefined,
  ): Promise<StepResult | typeof retry> {
    const workflow = activeWorkflow(session);
    if (workflow === null) {
      return failure(
        'NO_ACTIVE_WORKFLOW',
        `There is no workflow running. Start one of: ${catalogue.types.join(', ')}.`,
        null,
      );
    }
    const prepared = catalogue.get(workflow.type)!;
    const value = workflow.snapshot.value;
    const state = stateName(value);
    const accepted = acceptedEvents(prepared.machine, value);
    const invalid = (problem: string) => {
      const prompt = promptOf(prepared.machine, value);
      return failure(
        'INVALID_EVENT',
        `${problem} ${prompt}${prompt === '' ? '' : ' '}This step accepts: ${
          accepted.length === 0 ? 'no events' : accepted.join(', ')
        }.`.trim(),
        state,
      );
    };
    const type = eventTypeOf(event);
    if (type === unreadable) {
      return invalid('That event could not be read (reading its type threw).');
    }
    if (typeof type !== 'string') {
      return invalid('That is not an event (an object with a string type).');
    }
    const raw = event as { type: string; [field: string]: unknown };
    if (type.startsWith('xstate.') || !accepted.some((d) => matchesDescriptor(d, type))) {
      return invalid(`"${type.slice(0, 60)}" does nothing in this step.`);
    }
    const schema = Object.hasOwn(prepared.definition.events, type)
      ? prepared.definition.events[type]
      : undefined;
    const parsed = parseUserEvent(schema, raw);
    if (!parsed.ok) return invalid(`"${type.slice(0, 60)}" is malformed: ${parsed.problem}.`);
    const current = states.current(session, prepared);
    if (!prepared.stepper.accepts(current, parsed.event)) {
      const candidates = candidateTransitions(prepared.machine, value, type);
      const message = explainRefusal(prepared.definition, prepared.machine, candidates, {
        context: current.context,
        event: parsed.event,
      });
      return failure('PREREQUISITE_NOT_MET', message, state);
    }
    const written = await steps.commit(session, parsed.event, {
      source: 'user',
      touch: true,
      ...(messageId === undefined ? {} : { messageId }),
    });
    return written ? success(session) : retry;
  }

  async function cancelWorkflow(input: SessionKey, options?: StepOptions): Promise<CancelResult> {
    const key = normalizeSessionKey(input);
    const messageId = messageIdOf(options);
    const storageKey = sessionStorageKey(key);
    lines.interrupt(storageKey);
    return lines.run(storageKey, () =>
      sessions.retrying(async () => {
        const session = await sessions.requireActive(storageKey, key);
        if (!(await upkeep.settle(session))) return retry;
        if (messageId !== undefined && session.record.appliedMessages?.includes(messageId)) {
          return { cancelled: false, workflow: null, duplicate: true };
        }
        const running = activeWorkflow(session);
        if (running === null) {
          if (messageId === undefined) {
            if (!(await sessions.isCurrent(session))) return retry;
            return { cancelled: false, workflow: null };
          }
          // The id is kept even though nothing changed: a redelivered cancel must not
          // stop a workflow started after it.
          const noted = withAppliedMessage(touched(session.record), messageId);
          return (await sessions.write(session, noted))
            ? { cancelled: false, workflow: null }
            : retry;
        }
        const cancelled = withAppliedMessage(
          { ...touched(session.record), workflow: null },
          messageId,
        );
        if (!(await sessions.write(session, cancelled))) {
          return retry;
        }
        states.detach(session);
        events.emit({
          type: 'workflow.cancelled',
          ...eventBase(session),
          workflow: running.type,
          state: stateName(running.snapshot.value),
          reason: 'cancelled',
        });
        return { cancelled: true, workflow: running.type };
      }),
    );
  }

  return { startWorkflow, send, cancelWorkflow };
}
