import { inspect, isDeepStrictEqual } from 'node:util';
import {
  type AnyActorLogic,
  type AnyActorRef,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyTransitionDefinition,
  createActor,
  fromPromise,
} from 'xstate';
import { describeError } from './createStepper.ts';
import { describeStateValue } from './describeEvent.ts';
import { allStateNodes, getEdgeTable } from './getTransitionEdges.ts';
import { PathReplayError, type ReplayFailureCode } from './PathReplayError.ts';
import type { MachinePath, PathState, ReplayOptions } from './types.ts';

/** Invoked work that never settles: the path's own done and error events stand for its outcome. */
const pendingForever = fromPromise<never>(() => new Promise<never>(() => {}));

interface LiveActor {
  actor: AnyActorRef;
  errors: unknown[];
  transitions: AnyTransitionDefinition[];
}

/**
 * Replays a path against a real actor of the machine and throws a
 * {@link PathReplayError} where the actor does something else than the path says.
 *
 * The actor is `createActor(machine.provide({ actors }), { input })`, where every
 * invoked actor the machine names is replaced by one that never settles (unless
 * `actors` provides it), so the path's `xstate.done.actor.*` / `xstate.error.actor.*`
 * events drive the invoked work. At the initial state and after every event, it checks:
 * no error was reported (an error observer is subscribed, so nothing is swallowed), the
 * actor took the transitions the path says (compared edge by edge, so a changed target
 * or a different guarded branch is caught even when the state names agree), and its
 * value, status and context deep-equal the path's. Then (unless `restore: false`) it
 * persists the snapshot with `getPersistedSnapshot()`, round-trips it through JSON,
 * restores it into a new actor, checks the restored actor is in the same state with
 * the same children, and continues the path on the restored actor.
 *
 * @example
 * ```ts
 * const { paths } = generatePaths(mlTrainingMachine, { events });
 * for (const path of paths) {
 *   replayPath(mlTrainingMachine, path, { actors: { trainModel: fakeTrainer } });
 * }
 * ```
 */
export function replayPath<TMachine extends AnyStateMachine>(
  machine: TMachine,
  path: MachinePath,
  options: ReplayOptions<TMachine> = {},
): void {
  const logic = withStubbedActors(machine, options.actors ?? {});
  const table = getEdgeTable(logic);
  const restore = options.restore ?? true;
  const fail = (
    step: number,
    code: ReplayFailureCode,
    detail: string,
    cause?: unknown,
  ): PathReplayError =>
    new PathReplayError(
      {
        path: path.description,
        step,
        steps: path.steps.length,
        event: step === 0 ? undefined : path.steps[step - 1]?.event,
        code,
        detail,
      },
      cause === undefined ? undefined : { cause },
    );

  let live = launch(logic, { input: options.input });
  try {
    checkErrors(live, 0, fail);
    checkState(live.actor.getSnapshot(), path.initial, 0, fail);
    if (restore) {
      live = restored(logic, live, 0, fail);
    }
    for (const [index, step] of path.steps.entries()) {
      const at = index + 1;
      live.transitions.length = 0;
      live.actor.send(step.event);
      checkErrors(live, at, fail);
      const taken = live.transitions.flatMap((transition) => {
        const edge = table.byTransition.get(transition);
        return edge ? [edge.id] : [];
      });
      if (!isDeepStrictEqual(taken, step.taken)) {
        throw fail(
          at,
          'transition',
          `expected ${describeTransitions(step.taken)}, the actor took ${describeTransitions(taken)}`,
        );
      }
      checkState(live.actor.getSnapshot(), step.state, at, fail);
      if (restore) {
        live = restored(logic, live, at, fail);
      }
    }
  } finally {
    live.actor.stop();
  }
}

type Fail = (step: number, code: ReplayFailureCode, detail: string, cause?: unknown) => Error;

/** The machine with every named invoked actor that `actors` leaves out replaced by one that never settles. */
function withStubbedActors(
  machine: AnyStateMachine,
  actors: Record<string, AnyActorLogic>,
): AnyStateMachine {
  const stubs: Record<string, AnyActorLogic> = {};
  for (const node of [machine.root, ...allStateNodes(machine.root)]) {
    for (const { src } of node.invoke) {
      if (typeof src === 'string' && !src.startsWith('xstate.invoke.')) {
        stubs[src] = pendingForever;
      }
    }
  }
  return machine.provide({ actors: { ...stubs, ...actors } });
}

/** Starts an actor with an error observer and a record of the transitions it takes. */
function launch(
  logic: AnyStateMachine,
  actorOptions: { input?: unknown; snapshot?: unknown },
): LiveActor {
  const live: LiveActor = {
    actor: undefined as unknown as AnyActorRef,
    errors: [],
    transitions: [],
  };
  live.actor = createActor(logic, {
    ...actorOptions,
    inspect: (inspectionEvent) => {
      if (
        inspectionEvent.type === '@xstate.microstep' &&
        inspectionEvent.actorRef.sessionId === inspectionEvent.rootId
      ) {
        live.transitions.push(...inspectionEvent._transitions);
      }
    },
  } as Parameters<typeof createActor>[1]);
  live.actor.subscribe({ error: (error) => live.errors.push(error) });
  live.actor.start();
  return live;
}

function checkErrors(live: LiveActor, step: number, fail: Fail): void {
  const [error] = live.errors;
  if (live.errors.length > 0) {
    throw fail(step, 'actor_error', `the actor failed: ${describeError(error)}`, error);
  }
  const snapshot = live.actor.getSnapshot() as AnyMachineSnapshot;
  if (snapshot.status === 'error') {
    throw fail(
      step,
      'actor_error',
      `the actor failed: ${describeError(snapshot.error)}`,
      snapshot.error,
    );
  }
}

function checkState(
  snapshot: AnyMachineSnapshot,
  expected: PathState,
  step: number,
  fail: Fail,
): void {
  const difference = stateDifference(expected, snapshot, 'expected', 'the actor has');
  if (difference) {
    throw fail(step, 'state', difference);
  }
}

/**
 * Persists the live actor's snapshot, round-trips it through JSON, restores it into a
 * new actor, checks nothing changed, and returns the new actor (the old one is stopped).
 */
function restored(logic: AnyStateMachine, live: LiveActor, step: number, fail: Fail): LiveActor {
  const before = live.actor.getSnapshot() as AnyMachineSnapshot;
  let json: string;
  try {
    json = JSON.stringify(live.actor.getPersistedSnapshot());
  } catch (error) {
    throw fail(
      step,
      'persist',
      `the snapshot cannot be persisted as JSON: ${describeError(error)}`,
      error,
    );
  }
  live.actor.stop();
  const next = launch(logic, { snapshot: JSON.parse(json) });
  if (next.errors.length > 0) {
    next.actor.stop();
    throw fail(
      step,
      'restore',
      `the restored actor failed: ${describeError(next.errors[0])}`,
      next.errors[0],
    );
  }
  const after = next.actor.getSnapshot() as AnyMachineSnapshot;
  const difference =
    stateDifference(
      { value: before.value, context: before.context, status: before.status },
      after,
      'before persisting',
      'after restoring from JSON',
    ) ?? childrenDifference(before, after);
  if (difference) {
    next.actor.stop();
    throw fail(step, 'restore', difference);
  }
  return next;
}

function stateDifference(
  expected: PathState,
  snapshot: AnyMachineSnapshot,
  expectedLabel: string,
  actualLabel: string,
): string | undefined {
  if (!isDeepStrictEqual(snapshot.value, expected.value)) {
    return `${expectedLabel} state ${describeStateValue(expected.value)}, ${actualLabel} ${describeStateValue(snapshot.value)}`;
  }
  if (snapshot.status !== expected.status) {
    return `${expectedLabel} status "${expected.status}", ${actualLabel} "${snapshot.status}"`;
  }
  if (!isDeepStrictEqual(snapshot.context, expected.context)) {
    return `${expectedLabel} ${contextDifference(expected.context, snapshot.context, actualLabel)}`;
  }
  return undefined;
}

/** The first context field that differs, or the whole context when it is not an object. */
function contextDifference(expected: unknown, actual: unknown, actualLabel: string): string {
  if (isRecord(expected) && isRecord(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
    const key = keys.find((name) => !isDeepStrictEqual(expected[name], actual[name]));
    if (key !== undefined) {
      return `context.${key} = ${show(expected[key])}, ${actualLabel} ${show(actual[key])}`;
    }
  }
  return `context ${show(expected)}, ${actualLabel} ${show(actual)}`;
}

function childrenDifference(
  before: AnyMachineSnapshot,
  after: AnyMachineSnapshot,
): string | undefined {
  const ids = (snapshot: AnyMachineSnapshot) => Object.keys(snapshot.children).sort();
  return isDeepStrictEqual(ids(before), ids(after))
    ? undefined
    : `invoked children before persisting [${ids(before).join(', ')}], after restoring from JSON [${ids(after).join(', ')}]`;
}

function describeTransitions(ids: readonly string[]): string {
  return ids.length === 0 ? 'no transition (event refused)' : `[${ids.join('; ')}]`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return inspect(value, { depth: 3, breakLength: Number.POSITIVE_INFINITY, maxStringLength: 200 });
}
