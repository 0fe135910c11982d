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
  /** The initial snapshot and its actions (`initialTransition`). */
  initial(input: unknown): [AnyMachineSnapshot, StepAction[]];
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
export function createMachineStepper(machine: AnyStateMachine): MachineStepper {
  const freshSystemPerStep = invokesWithSystemId(machine.root);
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
    initial(input) {
      return shared(
        (inert) => {
          const snapshot = machine.getInitialSnapshot(inert as never, input);
          return [snapshot, collected];
        },
        () => initialTransition(machine, input) as [AnyMachineSnapshot, StepAction[]],
      );
    },
    step(snapshot, event) {
      return shared(
        (inert) => {
          const next = machine.transition(snapshot, event as never, inert as never);
          return [next, collected];
        },
        () => transition(machine, snapshot, event as never) as [AnyMachineSnapshot, StepAction[]],
      );
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
