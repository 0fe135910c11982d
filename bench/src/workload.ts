/**
 * The workload every step benchmark runs: one ML training session on its happy path,
 * five accepted steps (`data.uploaded`, `target.selected`, `features.selected`,
 * `model.confirmed`, then the trainer finishing), with a trainer that answers at once
 * so the figures measure the engine, not the model.
 */
import { type AnyStateMachine, fromPromise } from 'xstate';
import { errorMessage } from './harness.ts';

/** Accepted steps per session: four user events and the trainer finishing. */
export const STEPS_PER_SESSION = 5;

/** Metadata of the data set the sessions upload (ten columns, a numeric target). */
export const benchDataset = {
  id: 'bench-dataset',
  name: 'houses.csv',
  columns: [
    { name: 'price', type: 'number' },
    { name: 'area', type: 'number' },
    { name: 'rooms', type: 'number' },
    { name: 'age', type: 'number' },
    { name: 'distance', type: 'number' },
    { name: 'floor', type: 'number' },
    { name: 'garden', type: 'boolean' },
    { name: 'city', type: 'string' },
    { name: 'energy', type: 'string' },
    { name: 'listed', type: 'date' },
  ],
  rowCount: 100_000,
} as const;

/** The four user events of a training session, in order. */
export const trainingEvents = [
  { type: 'data.uploaded', dataset: benchDataset },
  { type: 'target.selected', column: 'price' },
  { type: 'features.selected', columns: ['area', 'rooms', 'age', 'distance'] },
  { type: 'model.confirmed', modelType: 'linear_regression' },
] as const;

/** The state a session is in after the first `n` user events. */
export const trainingStates = [
  'awaiting_data',
  'selecting_target',
  'selecting_features',
  'confirming_model',
  'training',
  'complete',
] as const;

/** A trainer that resolves at once with a fixed model. */
export const instantTrainer = fromPromise(async () => ({
  modelId: 'bench-model',
  metrics: { r2: 1 },
}));

/** The ML training machine with the instant trainer, or why it cannot be had. */
export type LoadedMachine =
  | {
      ok: true;
      machine: AnyStateMachine;
      /** The trainer as the runtime's `actors` option takes it. */
      actors: Record<string, typeof instantTrainer>;
    }
  | { ok: false; reason: string };

/**
 * Loads `mlTrainingMachine` from `@chatflow/machines` and provides the instant
 * trainer under every actor name the machine declares.
 *
 * @example
 * ```ts
 * const loaded = await loadTrainingMachine();
 * if (loaded.ok) createActor(loaded.machine).start();
 * ```
 */
export async function loadTrainingMachine(): Promise<LoadedMachine> {
  try {
    const machines = (await import('@chatflow/machines')) as Record<string, unknown>;
    const machine = machines.mlTrainingMachine as AnyStateMachine | undefined;
    if (!machine) return { ok: false, reason: '@chatflow/machines exports no mlTrainingMachine' };
    const names = Object.keys(machine.implementations.actors);
    if (names.length === 0) return { ok: false, reason: 'mlTrainingMachine declares no actors' };
    const actors = Object.fromEntries(names.map((name) => [name, instantTrainer]));
    return { ok: true, machine: machine.provide({ actors }), actors };
  } catch (error) {
    return { ok: false, reason: `@chatflow/machines: ${errorMessage(error)}` };
  }
}
