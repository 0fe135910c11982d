/**
 * The events to try per event type for each of the four machines, as
 * `@chatflow/machines/testing`'s `generatePaths` takes them: for every guarded step one
 * event it accepts and ones it refuses, and done, malformed and failed outcomes for
 * every invoked actor.
 */
import type * as Machines from '@chatflow/machines';
import type * as Testing from '@chatflow/machines/testing';
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';

/** What one machine is generated with. */
export interface MachinePathSetup {
  name: string;
  machine: AnyStateMachine;
  options: { events: Record<string, unknown>; input?: unknown };
}

type Snapshot = AnyMachineSnapshot & { context: Record<string, unknown> };

function columnsOf(snapshot: Snapshot): string[] {
  const dataset = snapshot.context.dataset as { columns?: { name: string }[] } | null | undefined;
  return dataset?.columns?.map((column) => column.name) ?? [];
}

/**
 * The four machines with their sample events.
 *
 * @example
 * ```ts
 * for (const setup of pathSetups(machines, testing)) testing.generatePaths(setup.machine, setup.options);
 * ```
 */
export function pathSetups(machines: typeof Machines, testing: typeof Testing): MachinePathSetup[] {
  const dataset = machines.exampleDataset();
  const noRows = { ...machines.exampleDataset(), id: 'ds-empty', rowCount: 0 };
  const oneColumn = {
    ...machines.exampleDataset(),
    id: 'ds-one',
    columns: [{ name: 'city', type: 'string' as const }],
  };
  const textOnly = {
    ...machines.exampleDataset(),
    id: 'ds-text',
    columns: [
      { name: 'city', type: 'string' as const },
      { name: 'street', type: 'string' as const },
    ],
  };
  const uploads = [dataset, noRows, oneColumn].map((d) => ({ type: 'data.uploaded', dataset: d }));
  const failure = [new Error('the worker failed')];

  const training: MachinePathSetup = {
    name: 'mlTraining',
    machine: machines.mlTrainingMachine,
    options: {
      events: {
        'data.uploaded': uploads,
        'target.selected': [
          { type: 'target.selected', column: 'price' },
          { type: 'target.selected', column: 'nope' },
        ],
        'features.selected': (snapshot: Snapshot) => {
          const target = snapshot.context.target as string | null;
          const others = columnsOf(snapshot).filter((c) => c !== target && c !== 'city');
          return [
            { type: 'features.selected', columns: others.slice(0, 2) },
            { type: 'features.selected', columns: [] },
            { type: 'features.selected', columns: [target ?? 'price'] },
          ];
        },
        'model.confirmed': [
          { type: 'model.confirmed', modelType: 'linear_regression' },
          { type: 'model.confirmed', modelType: 'logistic_regression' },
        ],
        ...testing.invokeEvents(machines.mlTrainingMachine, {
          training: {
            output: [{ modelId: 'm-1', metrics: { r2: 0.9 } }, { nope: true }],
            error: failure,
          },
        }),
      },
    },
  };

  const prediction: MachinePathSetup = {
    name: 'mlPrediction',
    machine: machines.mlPredictionMachine,
    options: {
      input: { models: machines.exampleModels() },
      events: {
        'model.selected': [
          { type: 'model.selected', modelId: 'model-price' },
          { type: 'model.selected', modelId: 'nope' },
        ],
        'data.uploaded': [dataset, textOnly].map((d) => ({ type: 'data.uploaded', dataset: d })),
        ...testing.invokeEvents(machines.mlPredictionMachine, {
          prediction: {
            output: [{ rowCount: 3, preview: [1, 2, 3] }, { nope: true }],
            error: failure,
          },
        }),
      },
    },
  };

  const analysis: MachinePathSetup = {
    name: 'statsAnalysis',
    machine: machines.statsAnalysisMachine,
    options: {
      events: {
        'data.uploaded': [dataset, noRows, textOnly].map((d) => ({
          type: 'data.uploaded',
          dataset: d,
        })),
        'analysis.selected': [
          { type: 'analysis.selected', analysis: 't_test' },
          { type: 'analysis.selected', analysis: 'nope' },
        ],
        'columns.selected': [
          { type: 'columns.selected', columns: ['price', 'rooms'] },
          { type: 'columns.selected', columns: ['city'] },
        ],
        ...testing.invokeEvents(machines.statsAnalysisMachine, {
          analysis: { output: [{ t: 1.5, p: 0.1 }, undefined], error: failure },
        }),
      },
    },
  };

  const exploration: MachinePathSetup = {
    name: 'dataExploration',
    machine: machines.dataExplorationMachine,
    options: {
      events: {
        'data.uploaded': [dataset, noRows].map((d) => ({ type: 'data.uploaded', dataset: d })),
        explore: [
          { type: 'explore', command: 'summary' },
          { type: 'explore', command: 'histogram', column: 'city' },
        ],
        ...testing.invokeEvents(machines.dataExplorationMachine, {
          exploration: { output: [{ rows: 120 }, undefined], error: failure },
        }),
      },
    },
  };

  return [training, prediction, analysis, exploration];
}
