import { getShortestPaths } from '@xstate/graph';
import type {
  ActorLogic,
  AnyEventObject,
  AnyMachineSnapshot,
  AnyStateMachine,
  SnapshotFrom,
} from 'xstate';
import { createEventSampler, type SampleMap } from './createEventSampler.ts';
import { createStepper, type StepOutcome, type Stepper } from './createStepper.ts';
import { describeEvent as defaultDescribeEvent, describeStateValue } from './describeEvent.ts';
import type {
  GeneratedPaths,
  MachinePath,
  PathGenerationOptions,
  PathState,
  PathStep,
  TransitionCoverage,
  TransitionEdge,
} from './types.ts';

const DEFAULT_MAX_STATES = 1000;
const DEFAULT_MAX_DEPTH = 30;

interface SearchNode {
  snapshot: AnyMachineSnapshot;
  parent: SearchNode | undefined;
  event: AnyEventObject | undefined;
  outcome: StepOutcome | undefined;
  depth: number;
}

interface Walk {
  steps: Array<{ event: AnyEventObject; outcome: StepOutcome }>;
}

/**
 * Generates paths through a machine that go through as many of its transition edges
 * as the given events can reach, and reports that coverage.
 *
 * Two passes: first @xstate/graph's shortest paths to every state value (telling
 * states apart by their value and the `contextKeys` fields), then, while edges are
 * still missing, a breadth-first search over the real states (value and whole
 * context) that emits the shortest path to each step going through a missing edge:
 * a transition taken under a given guard, or an event refused by every guard. The
 * search stops as soon as every edge is covered, or at `maxStates` / `maxDepth`.
 * Paths that are a prefix of another path are dropped.
 *
 * Nothing runs: the machine's steps are computed with its pure transition function,
 * and the edge of each step is read from the microsteps XState reports.
 *
 * @example
 * ```ts
 * const { paths, coverage } = generatePaths(mlTrainingMachine, {
 *   events: {
 *     'data.uploaded': [{ type: 'data.uploaded', dataset }],
 *     'target.selected': [
 *       { type: 'target.selected', column: 'price' },
 *       { type: 'target.selected', column: 'nope' },
 *     ],
 *     ...invokeEvents(mlTrainingMachine, {
 *       training: { output: [trainResult], error: [new Error('disk full')] },
 *     }),
 *   },
 * });
 * coverage.missing; // ids of the edges no path reaches
 * ```
 */
export function generatePaths<TMachine extends AnyStateMachine>(
  machine: TMachine,
  options: PathGenerationOptions<TMachine> = {},
): GeneratedPaths {
  const stepper = createStepper(machine);
  const sample = createEventSampler(machine, (options.events ?? {}) as unknown as SampleMap);
  const samplesIn = (snapshot: AnyMachineSnapshot): AnyEventObject[] =>
    snapshot.status === 'active' ? sample(snapshot) : [];
  const maxStates = options.maxStates ?? DEFAULT_MAX_STATES;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const start = stepper.initial(options.input);
  const total = stepper.table.edges.length;
  const covered = new Set<TransitionEdge>(start.taken);
  const walks: Walk[] = [];
  const keep = (walk: Walk): void => {
    walks.push(walk);
    for (const { outcome } of walk.steps) {
      for (const edge of [...outcome.taken, ...outcome.refused]) {
        covered.add(edge);
      }
    }
  };

  const shortest = shortestEventSequences(stepper, start.snapshot, samplesIn, options, maxStates);
  for (const events of shortest.sequences) {
    keep(replayEvents(stepper, start.snapshot, events));
  }

  const serializeState =
    (options.serializeState as ((snapshot: AnyMachineSnapshot) => string) | undefined) ??
    ((snapshot: AnyMachineSnapshot) => JSON.stringify([snapshot.value, snapshot.context]));
  const visited = new Set<string>([serializeState(start.snapshot)]);
  const queue: SearchNode[] = [
    { snapshot: start.snapshot, parent: undefined, event: undefined, outcome: undefined, depth: 0 },
  ];
  let bounded = shortest.bounded;
  search: for (let head = 0; head < queue.length && covered.size < total; head++) {
    const node = queue[head]!;
    if (node.depth >= maxDepth) {
      bounded = true;
      continue;
    }
    for (const event of samplesIn(node.snapshot)) {
      const outcome = stepper.step(node.snapshot, event);
      const child: SearchNode = {
        snapshot: outcome.snapshot,
        parent: node,
        event,
        outcome,
        depth: node.depth + 1,
      };
      if ([...outcome.taken, ...outcome.refused].some((edge) => !covered.has(edge))) {
        keep(walkTo(child));
        if (covered.size === total) {
          break search;
        }
      }
      const key = serializeState(outcome.snapshot);
      if (outcome.snapshot.status !== 'active' || visited.has(key)) {
        continue;
      }
      if (visited.size >= maxStates) {
        bounded = true;
        continue;
      }
      visited.add(key);
      queue.push(child);
    }
  }

  const describe = options.describeEvent ?? defaultDescribeEvent;
  const initial = toPathState(start.snapshot);
  const paths = describePaths(withoutPrefixes(walks), initial, describe);
  return {
    paths,
    coverage: coverageOf(stepper, start.taken, paths),
    stats: {
      states: visited.size,
      transitions: stepper.count,
      truncated: bounded && covered.size < total,
    },
  };
}

/**
 * The event sequences of @xstate/graph's shortest paths to every state, telling states
 * apart by value and the `contextKeys` fields. Only the events are kept: with a coarse
 * key, the snapshots @xstate/graph records along a path may come from another path to
 * the same key, so each sequence is replayed to learn what it really does. At most
 * `maxStates` states are expanded (a context key can make the state space infinite).
 */
function shortestEventSequences<TMachine extends AnyStateMachine>(
  stepper: Stepper,
  start: AnyMachineSnapshot,
  samplesIn: (snapshot: AnyMachineSnapshot) => AnyEventObject[],
  options: PathGenerationOptions<TMachine>,
  maxStates: number,
): { sequences: AnyEventObject[][]; bounded: boolean } {
  const contextKeys = options.contextKeys ?? [];
  let expanded = 0;
  let bounded = false;
  const logic: ActorLogic<AnyMachineSnapshot, AnyEventObject, unknown> = {
    transition: (snapshot, event) => stepper.step(snapshot, event).snapshot,
    getInitialSnapshot: () => start,
    getPersistedSnapshot: (snapshot) => snapshot,
  };
  const paths = getShortestPaths(logic, {
    fromState: start,
    // @xstate/graph asks for the events of each distinct state once.
    events: (snapshot) => {
      if (expanded >= maxStates) {
        bounded = true;
        return [];
      }
      expanded++;
      return samplesIn(snapshot);
    },
    serializeState: (snapshot) =>
      JSON.stringify([
        snapshot.value,
        contextKeys.map((key) => (snapshot.context as Record<string, unknown>)[key]),
      ]),
  });
  return {
    sequences: paths.map((path) => path.steps.slice(1).map((step) => step.event)),
    bounded,
  };
}

/** Runs a sequence of events from the initial snapshot, stopping if the machine stops. */
function replayEvents(
  stepper: Stepper,
  start: AnyMachineSnapshot,
  events: readonly AnyEventObject[],
): Walk {
  const steps: Walk['steps'] = [];
  let snapshot = start;
  for (const event of events) {
    if (snapshot.status !== 'active') {
      break;
    }
    const outcome = stepper.step(snapshot, event);
    steps.push({ event, outcome });
    snapshot = outcome.snapshot;
  }
  return { steps };
}

/** The steps from the initial snapshot to a search node. */
function walkTo(node: SearchNode): Walk {
  const steps: Walk['steps'] = [];
  for (let at: SearchNode | undefined = node; at?.event && at.outcome; at = at.parent) {
    steps.push({ event: at.event, outcome: at.outcome });
  }
  return { steps: steps.reverse() };
}

/** Drops every walk whose events are a prefix of another walk's (it covers nothing more). */
function withoutPrefixes(walks: Walk[]): Walk[] {
  const signature = (walk: Walk) => walk.steps.map((step) => serializeEvent(step.event));
  const signed = walks.map((walk) => ({ walk, events: signature(walk) }));
  const longestFirst = [...signed].sort((a, b) => b.events.length - a.events.length);
  const kept = new Set<Walk>();
  const keptSignatures: string[][] = [];
  for (const { walk, events } of longestFirst) {
    const isPrefix = keptSignatures.some(
      (longer) => longer.length >= events.length && events.every((event, i) => longer[i] === event),
    );
    if (!isPrefix) {
      kept.add(walk);
      keptSignatures.push(events);
    }
  }
  return walks.filter((walk) => kept.has(walk));
}

function serializeEvent(event: AnyEventObject): string {
  return JSON.stringify(event, (_key, value: unknown) =>
    value instanceof Error ? { name: value.name, message: value.message } : value,
  );
}

function describePaths(
  walks: Walk[],
  initial: PathState,
  describe: (event: AnyEventObject) => string,
): MachinePath[] {
  const seen = new Map<string, number>();
  return walks.map((walk) => {
    const steps: PathStep[] = walk.steps.map(({ event, outcome }) => ({
      event,
      state: toPathState(outcome.snapshot),
      taken: outcome.taken.map((edge) => edge.id),
      refused: outcome.refused.map((edge) => edge.id),
    }));
    const events = steps
      .map((step) => `${describe(step.event)}${step.taken.length === 0 ? ' ✗' : ''}`)
      .join(' → ');
    const end = describeStateValue((steps.at(-1)?.state ?? initial).value);
    const text = events ? `${events} ⇒ ${end}` : `⇒ ${end}`;
    const count = (seen.get(text) ?? 0) + 1;
    seen.set(text, count);
    return { description: count === 1 ? text : `${text} #${count}`, initial, steps };
  });
}

/** A snapshot as plain data. */
export function toPathState(snapshot: SnapshotFrom<AnyStateMachine>): PathState {
  return { value: snapshot.value, context: snapshot.context, status: snapshot.status };
}

function coverageOf(
  stepper: Stepper,
  initialEdges: readonly TransitionEdge[],
  paths: readonly MachinePath[],
): TransitionCoverage {
  const reached = new Set<string>(initialEdges.map((edge) => edge.id));
  for (const path of paths) {
    for (const step of path.steps) {
      for (const id of [...step.taken, ...step.refused]) {
        reached.add(id);
      }
    }
  }
  const edges = stepper.table.edges.map((edge) => ({ ...edge, covered: reached.has(edge.id) }));
  const coveredCount = edges.filter((edge) => edge.covered).length;
  return {
    machineId: stepper.table.machine.id,
    total: edges.length,
    covered: coveredCount,
    ratio: edges.length === 0 ? 1 : coveredCount / edges.length,
    edges,
    missing: edges.filter((edge) => !edge.covered).map((edge) => edge.id),
  };
}
