import { assign, setup } from 'xstate';
import { z } from 'zod';
import {
  columnNames,
  datasetInfoSchema,
  findColumn,
  parseDatasetInfo,
} from './datasetInfoSchema.ts';
import { defineCheck } from './defineCheck.ts';
import { errorMessage } from './errorMessage.ts';
import { isJsonObject, toJsonResult } from './jsonResult.ts';
import { clip, listNames, quote } from './messageText.ts';
import { missingActor } from './missingActor.ts';
import { findModelType, modelTypeIdsFor, taskForColumnType } from './modelTypes.ts';
import { ownField } from './ownField.ts';
import type { DatasetInfo, ModelRecord, ModelTypeId, WorkflowInput } from './types.ts';

/** What ML training knows at each step: choices and metadata, never the data. */
export interface MlTrainingContext {
  /** The uploaded data set, from `selecting_target` on. */
  dataset: DatasetInfo | null;
  /** The column to predict, from `selecting_features` on. */
  target: string | null;
  /** The columns to learn from, from `confirming_model` on. */
  features: string[];
  /** The confirmed model type, in `training`. */
  modelType: ModelTypeId | null;
  /** The trained model, in `complete`. */
  model: ModelRecord | null;
  /** The message of the last failed training, until the next accepted step. */
  error: string | null;
}

/** The events a user sends to ML training. */
export type MlTrainingEvent =
  | { type: 'data.uploaded'; dataset: DatasetInfo }
  | { type: 'target.selected'; column: string }
  | { type: 'features.selected'; columns: string[] }
  | { type: 'model.confirmed'; modelType: ModelTypeId }
  | { type: 'back' }
  | { type: 'cancel' };

/** What the `trainModel` actor receives. */
export interface TrainModelInput {
  dataset: DatasetInfo;
  target: string;
  features: string[];
  modelType: ModelTypeId;
}

/**
 * What the `trainModel` actor resolves to: the new model's id and its scores (finite
 * numbers, e.g. `{ r2: 0.81 }`). Other fields are allowed and ignored.
 */
export interface TrainModelOutput {
  modelId: string;
  metrics: Record<string, number>;
  [key: string]: unknown;
}

const name = z.string().min(1).max(256);

/** Payload schemas of ML training's events, by event type. */
export const mlTrainingEvents = {
  'data.uploaded': z.object({ type: z.literal('data.uploaded'), dataset: datasetInfoSchema }),
  'target.selected': z.object({ type: z.literal('target.selected'), column: name }),
  'features.selected': z.object({
    type: z.literal('features.selected'),
    columns: z.array(name).max(10_000),
  }),
  'model.confirmed': z.object({ type: z.literal('model.confirmed'), modelType: name }),
  back: z.object({ type: z.literal('back') }),
  cancel: z.object({ type: z.literal('cancel') }),
} satisfies Record<MlTrainingEvent['type'], z.ZodType>;

const uploadFirst =
  'Please upload data first: a CSV or Excel file with at least two columns and one row.';
const targetFirst = 'Please choose the target column first.';
const maxMetrics = 100;

function datasetProblem(value: unknown): string | undefined {
  const dataset = parseDatasetInfo(value);
  if (dataset === undefined) return uploadFirst;
  const again = 'Please upload a file with at least two columns and one row.';
  if (dataset.rowCount < 1) return `${clip(dataset.name)} has no rows. ${again}`;
  if (dataset.columns.length < 2) {
    const count = dataset.columns.length === 1 ? 'only one column' : 'no columns';
    return `${clip(dataset.name)} has ${count}. ${again}`;
  }
  return undefined;
}

function targetProblem(context: MlTrainingContext, column: unknown): string | undefined {
  const { dataset } = context;
  if (dataset === null) return uploadFirst;
  if (findColumn(dataset, column) !== undefined) return undefined;
  const choices = `Choose one of: ${listNames(columnNames(dataset))}.`;
  if (typeof column !== 'string' || column === '') {
    return `Please name the column to predict. ${choices}`;
  }
  return `${quote(column)} is not a column of ${clip(dataset.name)}. ${choices}`;
}

function featuresProblem(context: MlTrainingContext, columns: unknown): string | undefined {
  const { dataset, target } = context;
  if (dataset === null) return uploadFirst;
  if (target === null) return targetFirst;
  const candidates = columnNames(dataset).filter((column) => column !== target);
  const choices = `Choose one or more of: ${listNames(candidates)}.`;
  if (!Array.isArray(columns) || columns.length === 0) {
    return `Please choose at least one feature column. ${choices}`;
  }
  if (columns.length > candidates.length) {
    return `That is more columns than ${clip(dataset.name)} has besides the target. ${choices}`;
  }
  const known = new Set(candidates);
  const seen = new Set<string>();
  for (const column of columns) {
    if (typeof column !== 'string') return `${quote(column)} is not a column name. ${choices}`;
    if (column === target) {
      return `${quote(column)} is the target, so it cannot also be a feature. ${choices}`;
    }
    if (!known.has(column)) {
      return `${quote(column)} is not a column of ${clip(dataset.name)}. ${choices}`;
    }
    if (seen.has(column)) return `${quote(column)} is listed twice. ${choices}`;
    seen.add(column);
  }
  return undefined;
}

function modelTypeProblem(context: MlTrainingContext, value: unknown): string | undefined {
  const column = findColumn(context.dataset, context.target);
  if (column === undefined) return targetFirst;
  const task = taskForColumnType(column.type);
  const target =
    task === 'regression'
      ? `the numeric target ${quote(column.name)}`
      : `the ${column.type} target ${quote(column.name)}`;
  const choices = `For ${target} choose one of: ${modelTypeIdsFor(task).join(', ')}.`;
  const modelType = findModelType(value);
  if (modelType === undefined) {
    return typeof value === 'string' && value !== ''
      ? `${quote(value)} is not a model type. ${choices}`
      : `Please choose a model type. ${choices}`;
  }
  if (modelType.task !== task) {
    return `${modelType.id} is a ${modelType.task} model, but ${target} needs ${task}. ${choices}`;
  }
  return undefined;
}

/**
 * Builds the model record from the context and the trainer's output, or `undefined`
 * when the output lacks a model id or finite numeric metrics.
 */
function toModelRecord(context: MlTrainingContext, output: unknown): ModelRecord | undefined {
  const { dataset, target, modelType } = context;
  if (dataset === null || target === null || modelType === null) return undefined;
  const json = toJsonResult(output);
  if (!isJsonObject(json)) return undefined;
  const modelId = ownField(json, 'modelId');
  const metrics = ownField(json, 'metrics');
  if (typeof modelId !== 'string' || modelId === '' || modelId.length > 256) return undefined;
  if (!isJsonObject(metrics)) return undefined;
  const entries = Object.entries(metrics);
  if (entries.length > maxMetrics) return undefined;
  const scores: [string, number][] = [];
  for (const [key, value] of entries) {
    if (typeof value !== 'number') return undefined;
    scores.push([key, value]);
  }
  return {
    modelId,
    modelType,
    target,
    features: [...context.features],
    metrics: Object.fromEntries(scores),
    datasetId: dataset.id,
  };
}

const checks = {
  hasUsableDataset: defineCheck<MlTrainingContext>(
    (_context, event) => datasetProblem(ownField(event, 'dataset')),
    uploadFirst,
  ),
  isColumnOfDataset: defineCheck<MlTrainingContext>(
    (context, event) => targetProblem(context, ownField(event, 'column')),
    'Please choose a column of the data set as the target.',
  ),
  areValidFeatures: defineCheck<MlTrainingContext>(
    (context, event) => featuresProblem(context, ownField(event, 'columns')),
    'Please choose one or more columns of the data set, other than the target, as features.',
  ),
  suitsTarget: defineCheck<MlTrainingContext>(
    (context, event) => modelTypeProblem(context, ownField(event, 'modelType')),
    'Please choose a model type that suits the target.',
  ),
};

/**
 * Refusal messages of ML training's guards, by guard name: what is wrong with the
 * refused event and what would be accepted.
 */
export const mlTrainingRefusals = {
  hasUsableDataset: checks.hasUsableDataset.refusal,
  isColumnOfDataset: checks.isColumnOfDataset.refusal,
  areValidFeatures: checks.areValidFeatures.refusal,
  suitsTarget: checks.suitsTarget.refusal,
};

/**
 * ML training: upload a data set, pick the target column, pick the feature columns,
 * confirm a model type, train. Its output on `complete` is the {@link ModelRecord}
 * (`null` when cancelled). The trainer is the `trainModel` actor, which the host
 * provides; the default one rejects.
 *
 * @example
 * ```ts
 * const machine = mlTrainingMachine.provide({
 *   actors: { trainModel: fromPromise(async ({ input }) => ({ modelId: 'm-1', metrics: { r2: 0.8 } })) },
 * });
 * const actor = createActor(machine).start();
 * actor.send({ type: 'data.uploaded', dataset: exampleDataset() });
 * actor.send({ type: 'target.selected', column: 'price' });
 * ```
 */
export const mlTrainingMachine = setup({
  types: {
    context: {} as MlTrainingContext,
    events: {} as MlTrainingEvent,
    input: {} as WorkflowInput | undefined,
    output: {} as ModelRecord | null,
  },
  guards: {
    hasUsableDataset: ({ context, event }) => checks.hasUsableDataset.passes(context, event),
    isColumnOfDataset: ({ context, event }) => checks.isColumnOfDataset.passes(context, event),
    areValidFeatures: ({ context, event }) => checks.areValidFeatures.passes(context, event),
    suitsTarget: ({ context, event }) => checks.suitsTarget.passes(context, event),
    isTrainedModel: ({ context, event }) =>
      toModelRecord(context, ownField(event, 'output')) !== undefined,
  },
  actions: {
    recordDataset: assign({
      dataset: ({ event }) => parseDatasetInfo(ownField(event, 'dataset')) ?? null,
    }),
    recordTarget: assign({
      target: ({ context, event }) =>
        findColumn(context.dataset, ownField(event, 'column'))?.name ?? null,
    }),
    recordFeatures: assign({
      features: ({ event }) => {
        const columns = ownField(event, 'columns');
        return Array.isArray(columns)
          ? columns.filter((column): column is string => typeof column === 'string')
          : [];
      },
    }),
    recordModelType: assign({
      modelType: ({ event }) => findModelType(ownField(event, 'modelType'))?.id ?? null,
    }),
    recordModel: assign({
      model: ({ context, event }) => toModelRecord(context, ownField(event, 'output')) ?? null,
    }),
    recordError: assign({ error: ({ event }) => errorMessage(ownField(event, 'error')) }),
    recordMalformedOutput: assign({
      error: 'The trainer finished without a model id and numeric metrics.',
    }),
    clearError: assign({ error: null }),
    forgetDataset: assign({ dataset: null }),
    forgetTarget: assign({ target: null }),
    forgetFeatures: assign({ features: () => [] }),
    forgetModelType: assign({ modelType: null }),
  },
  actors: {
    trainModel: missingActor<TrainModelOutput, TrainModelInput>('trainModel'),
  },
}).createMachine({
  id: 'mlTraining',
  description: 'Trains a model on an uploaded data set: target, features, model type, training.',
  meta: { version: 1 },
  initial: 'awaiting_data',
  context: {
    dataset: null,
    target: null,
    features: [],
    modelType: null,
    model: null,
    error: null,
  },
  output: ({ context }) => context.model,
  states: {
    awaiting_data: {
      description: 'Waits for a data set with at least one row and two columns.',
      meta: { prompt: 'Please upload a CSV or Excel file with your data.' },
      on: {
        'data.uploaded': {
          guard: 'hasUsableDataset',
          target: 'selecting_target',
          actions: ['recordDataset', 'clearError'],
        },
        cancel: { target: 'cancelled', actions: 'clearError' },
      },
    },
    selecting_target: {
      description: 'Waits for the column the model will predict.',
      meta: { prompt: 'Which column should the model predict? Choose the target column.' },
      on: {
        'target.selected': {
          guard: 'isColumnOfDataset',
          target: 'selecting_features',
          actions: ['recordTarget', 'clearError'],
        },
        back: { target: 'awaiting_data', actions: ['forgetDataset', 'clearError'] },
        cancel: { target: 'cancelled', actions: 'clearError' },
      },
    },
    selecting_features: {
      description: 'Waits for the columns the model learns from, other than the target.',
      meta: {
        prompt: 'Which columns should the model learn from? Choose one or more feature columns.',
      },
      on: {
        'features.selected': {
          guard: 'areValidFeatures',
          target: 'confirming_model',
          actions: ['recordFeatures', 'clearError'],
        },
        back: { target: 'selecting_target', actions: ['forgetTarget', 'clearError'] },
        cancel: { target: 'cancelled', actions: 'clearError' },
      },
    },
    confirming_model: {
      description: 'Waits for a model type that suits the target.',
      meta: {
        prompt:
          'Choose a model type: linear_regression or random_forest_regression for a numeric target, logistic_regression or random_forest_classification otherwise.',
      },
      on: {
        'model.confirmed': {
          guard: 'suitsTarget',
          target: 'training',
          actions: ['recordModelType', 'clearError'],
        },
        back: { target: 'selecting_features', actions: ['forgetFeatures', 'clearError'] },
        cancel: { target: 'cancelled', actions: 'clearError' },
      },
    },
    training: {
      description: 'Runs the trainer; a failure returns to confirming_model with the error.',
      meta: { prompt: 'Training the model. This can take a moment.' },
      invoke: {
        id: 'training',
        src: 'trainModel',
        input: ({ context }) => ({
          dataset: context.dataset!,
          target: context.target!,
          features: context.features,
          modelType: context.modelType!,
        }),
        onDone: [
          { guard: 'isTrainedModel', target: 'complete', actions: 'recordModel' },
          { target: 'confirming_model', actions: ['recordMalformedOutput', 'forgetModelType'] },
        ],
        onError: { target: 'confirming_model', actions: ['recordError', 'forgetModelType'] },
      },
      on: {
        back: { target: 'confirming_model', actions: ['forgetModelType', 'clearError'] },
        cancel: { target: 'cancelled', actions: 'clearError' },
      },
    },
    complete: {
      description: 'The model is trained; the machine outputs its record.',
      meta: { prompt: 'The model is trained and ready for predictions.' },
      type: 'final',
    },
    cancelled: {
      description: 'The user cancelled the training.',
      meta: { prompt: 'Model training was cancelled.' },
      type: 'final',
    },
  },
});
