import type {
  AnyActorLogic,
  AnyEventObject,
  AnyStateMachine,
  EventFromLogic,
  InputFrom,
  SnapshotFrom,
  SnapshotStatus,
  StateValue,
} from 'xstate';

/** Whether an edge is a transition the machine takes, or an event every guard refused. */
export type EdgeOutcome = 'taken' | 'refused';

/**
 * One edge of a machine's transition graph: a (state, event type, guard outcome)
 * triple read from the machine's definition.
 *
 * Each candidate transition of a state node for an event type is one `taken` edge;
 * when every candidate is guarded, one more `refused` edge stands for the case where
 * all guards say no and the event is ignored. Eventless (`always`) transitions are
 * `taken` edges with the event type `''`.
 */
export interface TransitionEdge {
  /**
   * Readable and unique within the machine, e.g.
   * `selecting_target --target.selected [isColumnOfDataset]--> selecting_features` or
   * `selecting_target --target.selected [refused: isColumnOfDataset]`.
   */
  id: string;
  /** The state node that owns the transition: its path joined by `.`, or the machine id for the root. */
  source: string;
  /** The event descriptor as written in the machine (`''` for an eventless transition). */
  eventType: string;
  /**
   * The guard of a taken edge (`null` when unguarded); for a refused edge, every
   * refusing guard, comma-separated.
   */
  guard: string | null;
  outcome: EdgeOutcome;
  /** The target state(s), comma-separated; the source itself for a targetless transition; `null` when refused. */
  target: string | null;
}

/** A {@link TransitionEdge} with whether a set of paths goes through it. */
export interface CoveredEdge extends TransitionEdge {
  covered: boolean;
}

/** Which edges of a machine a set of paths goes through. */
export interface TransitionCoverage {
  machineId: string;
  /** Number of edges of the machine. */
  total: number;
  /** Number of edges some path goes through. */
  covered: number;
  /** `covered / total` (1 for a machine without edges). */
  ratio: number;
  /** Every edge of the machine, in definition order. */
  edges: CoveredEdge[];
  /** The ids of the edges no path goes through. */
  missing: string[];
}

/**
 * The events to try for one event type: a list, or a function of the current
 * snapshot (so a payload can depend on the context, e.g. a column of the uploaded
 * data set).
 */
export type EventSamples<TSnapshot, TEvent extends AnyEventObject = AnyEventObject> =
  | readonly TEvent[]
  | ((snapshot: TSnapshot) => readonly TEvent[]);

/**
 * The events to try, by event type. A machine's own event types are typed from the
 * machine; XState's events (`xstate.done.actor.<id>` with `output`,
 * `xstate.error.actor.<id>` with `error`) drive invoked work, see `invokeEvents`.
 *
 * An event type of the machine that this map leaves out is tried as the bare
 * `{ type }` (enough for `back` or `cancel`); an empty list means "never send it".
 * XState's done and error events are only sent from samples: without them, their
 * edges show up as missing.
 */
export type PathEvents<TMachine extends AnyStateMachine> = {
  [K in EventFromLogic<TMachine>['type']]?: EventSamples<
    SnapshotFrom<TMachine>,
    Extract<EventFromLogic<TMachine>, { type: K }>
  >;
} & {
  [K: `xstate.${string}`]: EventSamples<SnapshotFrom<TMachine>, AnyEventObject>;
};

/** Options of `generatePaths`. */
export interface PathGenerationOptions<TMachine extends AnyStateMachine> {
  /** The events to try per event type. */
  events?: PathEvents<TMachine>;
  /** The machine's input, as `createActor(machine, { input })` takes it. */
  input?: InputFrom<TMachine>;
  /**
   * Context fields that tell two states with the same value apart in the first,
   * shortest-path pass (state value alone by default, which keeps that pass small).
   * The coverage-driven search that follows always tells states apart by their value
   * and whole context.
   * @default []
   */
  contextKeys?: readonly string[];
  /**
   * The key that tells two states apart in the coverage-driven search.
   * @default the state value and the whole context, as JSON
   */
  serializeState?: (snapshot: SnapshotFrom<TMachine>) => string;
  /**
   * How many distinct states the coverage-driven search may visit before it gives up
   * on the edges still missing.
   * @default 1000
   */
  maxStates?: number;
  /**
   * The longest path, in events, the coverage-driven search builds.
   * @default 30
   */
  maxDepth?: number;
  /**
   * How an event reads in a path description.
   * @default the event type and a short summary of its payload, e.g. `target.selected(price)`
   */
  describeEvent?: (event: AnyEventObject) => string;
}

/** Options of `replayPath`. */
export interface ReplayOptions<TMachine extends AnyStateMachine> {
  /** The machine's input, as `createActor(machine, { input })` takes it. */
  input?: InputFrom<TMachine>;
  /**
   * Actor logic by `src` name, provided to the machine. Every invoked actor the
   * machine names and this map leaves out is replaced by one that never settles, so
   * the path's own `xstate.done.actor.*` / `xstate.error.actor.*` events drive it.
   * @default {}
   */
  actors?: Record<string, AnyActorLogic>;
  /**
   * Persist the snapshot after every step, round-trip it through JSON, restore it into
   * a new actor, check nothing changed, and continue the path on the restored actor.
   * @default true
   */
  restore?: boolean;
}

/** Options of `createPathTests`: generation and replay options together. */
export interface PathTestOptions<TMachine extends AnyStateMachine>
  extends PathGenerationOptions<TMachine>,
    Omit<ReplayOptions<TMachine>, 'input'> {}

/** What a path expects the machine to be in: plain data, comparable to a live actor's snapshot. */
export interface PathState {
  value: StateValue;
  context: unknown;
  status: SnapshotStatus;
}

/** One event of a path and what it must do. */
export interface PathStep {
  event: AnyEventObject;
  /** The state the machine is in after the event. */
  state: PathState;
  /** The ids of the edges the event takes, in the order the machine takes them. */
  taken: string[];
  /** The ids of the refused edges the event goes through (every guard said no). */
  refused: string[];
}

/** A sequence of events from the machine's initial state, with what each must do. */
export interface MachinePath {
  /** Readable and unique among the generated paths, e.g. `data.uploaded(houses) → back ⇒ awaiting_data`. */
  description: string;
  /** The machine's initial state. */
  initial: PathState;
  steps: PathStep[];
}

/** What `generatePaths` returns. */
export interface GeneratedPaths {
  paths: MachinePath[];
  /** The edges the paths go through, and the ones they miss. */
  coverage: TransitionCoverage;
  /** How much work the search did. */
  stats: {
    /** Distinct states the coverage-driven search visited. */
    states: number;
    /** Transitions computed, over both passes. */
    transitions: number;
    /** Whether the search stopped at `maxStates` or `maxDepth` with edges still missing. */
    truncated: boolean;
  };
}

/** A generated path bound to its replay. */
export interface PathTest extends MachinePath {
  /** Replays the path against a real actor; throws a `PathReplayError` where it differs. */
  run(): void;
  /**
   * The description, so `describe.each(paths)('%s', ...)` names each suite by it in
   * full (vitest cuts a `$description` title at 40 characters).
   */
  toString(): string;
}

/** What `createPathTests` returns. */
export interface PathTests {
  paths: PathTest[];
  coverage: TransitionCoverage;
}
