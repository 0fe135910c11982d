import {
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  createActor,
  initialTransition,
  transition,
} from 'xstate';
import type { PersistedWorkflowSnapshot } from './types.ts';
import { inertClock, type StepAction } from './workflowTimers.ts';

/**
 * Pure steps of one machine: what XState's `transition()` and `initialTransition()`
 * compute, without building a throwaway actor for every call.
 *
 * XState's pure functions create a fresh actor of the machine per call to serve as the
 * actor scope (an actor computes its initial snapshot when it is made), which costs
 * about three times the transition itself. A stepper makes that actor once and reuses
 * its scope: nothing is executed (the actions are collected and returned), so a scope
 * carries nothing from one step to the next. The one thing a shared scope could carry
 * is a child registered under a `systemId`, which would collide with itself on the next
 * step; a machine that invokes with a `systemId` gets a fresh actor system per step,
 * and any step the shared scope fails is computed again by XState's own function, so
 * the outcome (or the error) is always XState's.
 */
export interface MachineStepper {
  /**
   * The stepper's own copy of the machine (`machine.provide({})`): the snapshots it
   * makes belong to it. Use it wherever the runtime needs the machine.
   */
  readonly machine: AnyStateMachine;
  /** The initial snapshot and its actions (`initialTransition`). */
  initial(input: unknown): [AnyMachineSnapshot, StepAction[]];
  /**
   * Whether `event` would take a transition from `snapshot` (what `snapshot.can(event)`
   * answers). When it would, the transitions it selected (their guards evaluated) are
   * kept for a `step` of the same snapshot and event object that follows, which then
   * does not evaluate the guards a second time.
   */
  accepts(snapshot: AnyMachineSnapshot, event: { type: string }): boolean;
  /** The snapshot after `event` and the step's actions (`transition`). */
  step(snapshot: AnyMachineSnapshot, event: { type: string }): [AnyMachineSnapshot, StepAction[]];
  /** A persisted snapshot resolved into a machine snapshot (its children restored, not started). */
  restore(persisted: PersistedWorkflowSnapshot): AnyMachineSnapshot;
}

/** The shape of the actor scope XState's machine logic is called with. */
interface InertScope {
  self: ReturnType<typeof createActor>;
  system: ReturnType<typeof createActor>['system'];
  defer(fn: () => void): void;
  id: string;
  logger(...args: unknown[]): void;
  sessionId: string;
  stopChild(child: unknown): void;
  emit(event: unknown): void;
  actionExecutor(action: StepAction): void;
}

/** True when some state of the machine invokes an actor under a `systemId`. */
function invokesWithSystemId(node: AnyStateNode): boolean {
  if (node.invoke.some((definition) => definition.systemId !== undefined)) return true;
  return Object.values(node.states).some(invokesWithSystemId);
}

/** The transitions an event selects from a snapshot, as XState computes them. */
type Transitions = ReturnType<AnyStateMachine['getTransitionData']>;

/**
 * Takes over the machine's `getTransitionData` (which `snapshot.can` and every step
 * call) so that the transitions `accepts` selected are used again by the step that
 * follows it for the same snapshot and event object, instead of evaluating every guard
 * twice. The machine is the stepper's own copy, never the host's object. Guards are pure
 * (XState requires it), so the kept answer is the one the step would compute; it is
 * forgotten when the step ends.
 */
function transitionSelector(machine: AnyStateMachine) {
  const compute = machine.getTransitionData.bind(machine);
  let kept: { snapshot: object; event: object; transitions: Transitions } | undefined;
  machine.getTransitionData = (snapshot, event) => {
    if (kept !== undefined && kept.snapshot === snapshot && kept.event === event) {
      return kept.transitions;
    }
    return compute(snapshot, event);
  };
  return {
    select: (snapshot: AnyMachineSnapshot, event: { type: string }): Transitions =>
      compute(snapshot, event as never),
    remember(snapshot: object, event: object, transitions: Transitions) {
      kept = { snapshot, event, transitions };
    },
    forget() {
      kept = undefined;
    },
  };
}

/**
 * Creates the stepper of a machine.
 *
 * @example
 * ```ts
 * const stepper = createMachineStepper(machine);
 * const [initial] = stepper.initial({ models: [] });
 * const [next, actions] = stepper.step(initial, { type: 'cancel' });
 * ```
 */
export function createMachineStepper(source: AnyStateMachine): MachineStepper {
  // A copy of its own: the stepper takes over a method of it (see transitionSelector).
  const machine = source.provide({});
  const freshSystemPerStep = invokesWithSystemId(machine.root);
  const selectTransitions = transitionSelector(machine);
  let scope: InertScope | undefined;
  let collected: StepAction[] = [];

  function scopeForStep(): InertScope {
    if (scope === undefined) {
      // The actor is never started: it only lends its identity and system to the scope.
      const self = createActor(machine, { clock: inertClock });
      scope = {
        self,
        system: self.system,
        defer: () => {},
        id: '',
        logger: () => {},
        sessionId: '',
        stopChild: () => {},
        emit: () => {},
        actionExecutor: (action) => {
          collected.push(action);
        },
      };
    }
    if (freshSystemPerStep) {
      const system = createActor(machine, { clock: inertClock }).system;
      scope.self.system = system;
      scope.system = system;
    }
    collected = [];
    return scope;
  }

  function shared<T>(run: (scope: InertScope) => T, fallback: () => T): T {
    let result: T;
    try {
      result = run(scopeForStep());
    } catch {
      scope = undefined;
      return fallback();
    }
    return result;
  }

  return {
    machine,
    initial(input) {
      return shared(
        (inert) => {
          const snapshot = machine.getInitialSnapshot(inert as never, input);
          return [snapshot, collected];
        },
        () => initialTransition(machine, input) as [AnyMachineSnapshot, StepAction[]],
      );
    },
    accepts(snapshot, event) {
      const transitions = selectTransitions.select(snapshot, event);
      // What XState's `can` checks: a transition that is not forbidden (it has a target
      // or actions).
      const accepted = transitions.some((t) => t.target !== undefined || t.actions.length > 0);
      if (accepted) selectTransitions.remember(snapshot, event, transitions);
      return accepted;
    },
    step(snapshot, event) {
      try {
        return shared(
          (inert) => {
            const next = machine.transition(snapshot, event as never, inert as never);
            return [next, collected];
          },
          () => transition(machine, snapshot, event as never) as [AnyMachineSnapshot, StepAction[]],
        );
      } finally {
        selectTransitions.forget();
      }
    },
    restore(persisted) {
      return shared(
        (inert) =>
          machine.restoreSnapshot(persisted as never, inert as never) as AnyMachineSnapshot,
        () =>
          createActor(machine, {
            snapshot: persisted as never,
            clock: inertClock,
          }).getSnapshot() as AnyMachineSnapshot,
      );
    },
  };
}
