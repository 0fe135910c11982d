import { type Table, tableFromArrays } from 'apache-arrow';
import { Keyv } from 'keyv';
import { pino } from 'pino';
import { type AnyActorLogic, fromPromise } from 'xstate';
import { createRuntime } from '../../src/createRuntime.ts';
import type { SessionStore } from '../../src/sessionStore.ts';
import type {
  Runtime,
  RuntimeEventMap,
  RuntimeEventType,
  RuntimeOptions,
} from '../../src/types.ts';
import { type FitInput, type FitOutput, fixtureWorkflows } from './fixtureWorkflows.ts';
import { leastSquares } from './leastSquares.ts';

/** A clock the tests move by hand. */
export interface TestClock {
  now(): number;
  advanceMinutes(minutes: number): void;
}

export function createClock(start = Date.UTC(2025, 0, 1)): TestClock {
  let time = start;
  return {
    now: () => time,
    advanceMinutes: (minutes) => {
      time += minutes * 60_000;
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
    logic: fromPromise<FitOutput, FitInput>(async ({ input, system }) => {
      trainer.runs += 1;
      const runtime = getRuntime();
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
  } = {},
) {
  const { trainerGate, clock = createClock(), ...options } = overrides;
  const { logger, lines } = createCapturingLogger();
  const store = options.store ?? new Keyv();
  let runtime!: Runtime;
  const trainer = createFitTrainer(() => runtime, trainerGate);
  runtime = createRuntime({
    workflows: fixtureWorkflows,
    now: clock.now,
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
