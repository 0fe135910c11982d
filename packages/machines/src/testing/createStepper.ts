import {
  type AnyActorScope,
  type AnyEventObject,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  type AnyTransitionDefinition,
  createEmptyActor,
} from 'xstate';
import { type EdgeTable, getEdgeTable } from './getTransitionEdges.ts';
import type { TransitionEdge } from './types.ts';

/** A snapshot with the edges the step that produced it went through. */
export interface StepOutcome {
  snapshot: AnyMachineSnapshot;
  taken: TransitionEdge[];
  refused: TransitionEdge[];
}

/** Computes steps of a machine without running it, and names the edges each step goes through. */
export interface Stepper {
  table: EdgeTable;
  /** Number of transitions computed so far. */
  readonly count: number;
  initial(input: unknown): StepOutcome;
  step(snapshot: AnyMachineSnapshot, event: AnyEventObject): StepOutcome;
}

interface ObservedMicrostep {
  event: AnyEventObject;
  transitions: AnyTransitionDefinition[];
}

/**
 * Creates a stepper: pure transitions of `machine` (no action is executed, no invoked
 * actor started) whose taken edges come from the microsteps XState itself reports
 * through inspection, so two transitions with the same target are never confused.
 *
 * @example
 * ```ts
 * const stepper = createStepper(mlTrainingMachine);
 * const { snapshot } = stepper.initial(undefined);
 * stepper.step(snapshot, { type: 'data.uploaded', dataset }).taken.map((edge) => edge.id);
 * // ['awaiting_data --data.uploaded [hasUsableDataset]--> selecting_target']
 * ```
 */
export function createStepper(machine: AnyStateMachine): Stepper {
  const table = getEdgeTable(machine);
  const self = createEmptyActor();
  let observed: ObservedMicrostep[] = [];
  self.system.inspect((inspectionEvent) => {
    if (inspectionEvent.type === '@xstate.microstep') {
      observed.push({
        event: inspectionEvent.event,
        transitions: inspectionEvent._transitions,
      });
    }
  });
  const scope: AnyActorScope = {
    self,
    id: '',
    sessionId: '',
    logger: () => {},
    defer: () => {},
    emit: () => {},
    system: self.system,
    stopChild: () => {},
    actionExecutor: () => {},
  };
  let count = 0;
  const takenEdges = (microsteps: ObservedMicrostep[]): TransitionEdge[] =>
    microsteps.flatMap(({ transitions }) =>
      transitions.flatMap((transition) => {
        const edge = table.byTransition.get(transition);
        return edge ? [edge] : [];
      }),
    );

  return {
    table,
    get count() {
      return count;
    },
    initial(input) {
      observed = [];
      count++;
      const snapshot = machine.getInitialSnapshot(scope, input);
      if (snapshot.status === 'error') {
        throw new Error(
          `The machine "${machine.id}" fails to start: ${describeError(snapshot.error)}`,
          {
            cause: snapshot.error,
          },
        );
      }
      return { snapshot, taken: takenEdges(observed), refused: [] };
    },
    step(snapshot, event) {
      observed = [];
      count++;
      let next: AnyMachineSnapshot;
      try {
        next = machine.transition(snapshot, event, scope);
      } catch (error) {
        throw new Error(
          `The machine "${machine.id}" throws on ${JSON.stringify(event.type)} in state ${JSON.stringify(snapshot.value)}: ${describeError(error)}. Give samples for this event type in \`events\`.`,
          { cause: error },
        );
      }
      const microsteps = observed;
      const first = microsteps[0];
      const selected = first && first.event === event ? first.transitions : [];
      return {
        snapshot: next,
        taken: takenEdges(microsteps),
        refused: refusedEdges(table, snapshot, event, selected),
      };
    },
  };
}

/**
 * The refused edges an event goes through: walking up from each active atomic state
 * until the state node whose transition was selected, every node that had candidates
 * for the event and selected none refused it.
 */
function refusedEdges(
  table: EdgeTable,
  snapshot: AnyMachineSnapshot,
  event: AnyEventObject,
  selected: readonly AnyTransitionDefinition[],
): TransitionEdge[] {
  const sources = new Set(selected.map((transition) => transition.source));
  const found = new Set<TransitionEdge>();
  const nodes = snapshot._nodes as AnyStateNode[];
  for (const atomic of nodes.filter((node) => Object.keys(node.states).length === 0)) {
    for (let node: AnyStateNode | undefined = atomic; node; node = node.parent) {
      if (sources.has(node)) {
        break;
      }
      const refusedHere = table.refused.get(node);
      if (!refusedHere) {
        continue;
      }
      for (const [descriptor, edge] of refusedHere) {
        if (matchesDescriptor(event.type, descriptor)) {
          found.add(edge);
        }
      }
    }
  }
  return [...found];
}

/** Whether an event type matches an event descriptor (`'a.b'`, `'a.*'`, `'*'`), as XState matches them. */
export function matchesDescriptor(eventType: string, descriptor: string): boolean {
  if (descriptor === eventType || descriptor === '*') {
    return true;
  }
  if (!descriptor.endsWith('.*')) {
    return false;
  }
  const prefix = descriptor.slice(0, -2).split('.');
  const tokens = eventType.split('.');
  return prefix.every((token, index) => tokens[index] === token);
}

/** An error as one line of text. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
