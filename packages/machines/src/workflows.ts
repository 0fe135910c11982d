import type { AnyStateMachine } from 'xstate';
import {
  dataExplorationEvents,
  dataExplorationMachine,
  dataExplorationRefusals,
} from './dataExplorationMachine.ts';
import {
  mlPredictionEvents,
  mlPredictionMachine,
  mlPredictionRefusals,
} from './mlPredictionMachine.ts';
import { mlTrainingEvents, mlTrainingMachine, mlTrainingRefusals } from './mlTrainingMachine.ts';
import {
  statsAnalysisEvents,
  statsAnalysisMachine,
  statsAnalysisRefusals,
} from './statsAnalysisMachine.ts';
import type { WorkflowDefinition, WorkflowType } from './types.ts';

/** Reads the version a machine carries in its root `meta`. */
function versionOf(machine: AnyStateMachine): number {
  const version: unknown = machine.root.meta?.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new Error(`Machine ${machine.id} has no meta.version (a whole number from 1)`);
  }
  return version;
}

/**
 * The workflows chatflow ships, keyed by {@link WorkflowType}: each with its machine,
 * its version (the machine's `meta.version`), the payload schemas of its user events
 * and the refusal messages of its guards. This is what the runtime's `workflows`
 * option takes.
 *
 * @example
 * ```ts
 * const runtime = createRuntime({ workflows, actors: { trainModel, predictWithModel } });
 * workflows.ml_training.refusals.isColumnOfDataset({ context, event }); // '"foo" is not a column ...'
 * ```
 */
export const workflows = {
  ml_training: {
    type: 'ml_training',
    label: 'Train a model',
    description:
      'Upload a data set, choose the target and the feature columns, confirm a model type and train it.',
    version: versionOf(mlTrainingMachine),
    machine: mlTrainingMachine,
    events: mlTrainingEvents,
    refusals: mlTrainingRefusals,
  },
  ml_prediction: {
    type: 'ml_prediction',
    label: 'Predict with a model',
    description:
      'Choose one of your trained models, upload data with its feature columns, predict.',
    version: versionOf(mlPredictionMachine),
    machine: mlPredictionMachine,
    events: mlPredictionEvents,
    refusals: mlPredictionRefusals,
  },
  stats_analysis: {
    type: 'stats_analysis',
    label: 'Run a statistical analysis',
    description:
      'Upload a data set, choose an analysis (descriptive, correlation, t-test, linear regression) and its numeric columns.',
    version: versionOf(statsAnalysisMachine),
    machine: statsAnalysisMachine,
    events: statsAnalysisEvents,
    refusals: statsAnalysisRefusals,
  },
  data_exploration: {
    type: 'data_exploration',
    label: 'Explore a data set',
    description:
      'Upload a data set and look at it: schema, first rows, summary, missing values, value counts, histograms.',
    version: versionOf(dataExplorationMachine),
    machine: dataExplorationMachine,
    events: dataExplorationEvents,
    refusals: dataExplorationRefusals,
  },
} satisfies Record<WorkflowType, WorkflowDefinition>;

/** The type of the {@link workflows} catalogue: each workflow type with its own machine's type. */
export type Workflows = typeof workflows;
