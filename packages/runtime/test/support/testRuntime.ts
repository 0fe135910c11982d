import { type Table, tableFromArrays } from 'apache-arrow';
import { Keyv } from 'keyv';
import { pino } from 'pino';
import { type AnyActorLogic, fromPromise } from 'xstate';
import { createRuntime } from '../../src/createRuntime.ts';
import type { SessionStore } from '../../src/sessionStore.ts';
import type {
  Runtime,
  RuntimeClock,
  RuntimeEventMap,
  RuntimeEventType,
  RuntimeOptions,
  WorkInfo,
} from '../../src/types.ts';
import { type FitInput, type FitOutput, fixtureWorkflows } from './fixtureWorkflows.ts';
import { leastSquares } from './leastSquares.ts';

/**
 * A clock the tests move by hand: the runtime's `now` and its timeout scheduler at
 * once. Moving it fires the timeouts that fall due, in order, each at its own time.
 */
export interface TestClock extends RuntimeClock {
  now(): number;
  advance(ms: number): void;
  advanceMinutes(minutes: number): void;
  /**
   * Moves the clock like {@link TestClock.advance}, letting the work each fired timeout
   * starts settle (the event loop turns) before the next one is looked at, so timeouts
   * set by that work fire in their turn at their own time.
   */
  advanceAsync(ms: number): Promise<void>;
  /** Timeouts set and not yet fired or cleared. */
  readonly pending: number;
}

/** Lets queued promise work run: a few turns of the event loop, no waiting on time. */
export async function turns(count = 5): Promise<void> {
  for (let i = 0; i < count; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

export function createClock(start = Date.UTC(2025, 0, 1)): TestClock {
  let time = start;
  let nextId = 0;
  const timeouts = new Map<number, { at: number; callback: () => void }>();
  const fireNext = (end: number): boolean => {
    let soonest: [number, { at: number; callback: () => void }] | undefined;
    for (const entry of timeouts) {
      if (entry[1].at <= end && (soonest === undefined || entry[1].at < soonest[1].at)) {
        soonest = entry;
      }
    }
    if (soonest === undefined) return false;
    timeouts.delete(soonest[0]);
    time = Math.max(time, soonest[1].at);
    soonest[1].callback();
    return true;
  };
  const advance = (ms: number) => {
    const end = time + ms;
    while (fireNext(end)) {
      // each due timeout fires at its own time
    }
    time = end;
  };
  return {
    now: () => time,
    advance,
    advanceMinutes: (minutes) => advance(minutes * 60_000),
    async advanceAsync(ms) {
      const end = time + ms;
      await turns();
      while (fireNext(end)) await turns();
      time = Math.max(time, end);
      await turns();
    },
    setTimeout(callback, ms) {
      nextId += 1;
      timeouts.set(nextId, { at: time + Math.max(0, ms), callback });
      return nextId;
    },
    clearTimeout(handle) {
      timeouts.delete(handle as number);
    },
    get pending() {
      return timeouts.size;
    },
  };
}

/** A silent pino logger whose lines are kept for assertions. */
export function createCapturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'debug' },
    {
      write(line: string) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
  return { logger, lines };
}

/**
 * The real trainer of the fit workflow: loads the session's Arrow table through the
 * runtime and fits the target on the features by least squares. `runs` counts calls.
 */
export function createFitTrainer(getRuntime: () => Runtime, gate?: () => Promise<void>) {
  const trainer = {
    runs: 0,
    /** What `workOf` said in each run. */
    work: [] as (WorkInfo | undefined)[],
    /** Runs whose signal was aborted (the work was stopped). */
    aborted: 0,
    logic: fromPromise<FitOutput, FitInput>(async ({ input, system, signal }) => {
      trainer.runs += 1;
      signal.addEventListener('abort', () => {
        trainer.aborted += 1;
      });
      const runtime = getRuntime();
      trainer.work.push(runtime.workOf(system));
      const key = runtime.sessionOf(system);
      if (key === undefined) throw new Error('The trainer does not know its session.');
      await gate?.();
      const table = await runtime.getData(key);
      if (table === undefined) throw new Error('No data to train on.');
      const column = (name: string) => Array.from(table.getChild(name)?.toArray() ?? [], Number);
      const featureColumns = input.features.map(column);
      const rows = Array.from({ length: table.numRows }, (_, i) =>
        featureColumns.map((values) => values[i]!),
      );
      const fit = leastSquares(rows, column(input.target));
      return {
        modelId: `model-${input.dataset.id.slice(0, 8)}`,
        metrics: { r2: fit.r2, rows: table.numRows },
        coefficients: fit.coefficients,
      };
    }) as AnyActorLogic,
  };
  return trainer;
}

/** y = 1 + 2x + 3z exactly, with a text column. */
export function sampleTable(rows = 6): Table {
  const x = Float64Array.from({ length: rows }, (_, i) => i);
  const z = Float64Array.from({ length: rows }, (_, i) => (i * i) % 7);
  const y = Float64Array.from({ length: rows }, (_, i) => 1 + 2 * x[i]! + 3 * z[i]!);
  const label = Array.from({ length: rows }, (_, i) => `row ${i}`);
  return tableFromArrays({ x, z, y, label });
}

/** A runtime over an in-memory Keyv with the fixture workflows and a hand-moved clock. */
export function createTestRuntime(
  overrides: Partial<RuntimeOptions> & {
    store?: Keyv | SessionStore;
    /** Awaited by the trainer before it reads the data: lets a test hold training. */
    trainerGate?: () => Promise<void>;
    clock?: TestClock;
    /** Where the runtime sets its timeouts, when not on `clock` (e.g. one never moved). */
    scheduler?: RuntimeClock;
  } = {},
) {
  const { trainerGate, clock = createClock(), scheduler, ...options } = overrides;
  const { logger, lines } = createCapturingLogger();
  const store = options.store ?? new Keyv();
  let runtime!: Runtime;
  const trainer = createFitTrainer(() => runtime, trainerGate);
  runtime = createRuntime({
    workflows: fixtureWorkflows,
    now: clock.now,
    clock: scheduler ?? clock,
    logger,
    actors: { fitModel: trainer.logic },
    ...options,
    store,
  });
  return { runtime, clock, store, trainer, logLines: lines };
}

/** A promise the test opens by hand. */
export function createGate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait: () => promise, open };
}

/** Resolves with the next event of a type. */
export function nextEvent<T extends RuntimeEventType>(
  runtime: Runtime,
  type: T,
): Promise<RuntimeEventMap[T]> {
  return new Promise((resolve) => {
    const off = runtime.on(type, (event) => {
      off();
      resolve(event);
    });
  });
}
