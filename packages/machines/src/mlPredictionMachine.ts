import { assign, setup } from 'xstate';
import { z } from 'zod';
import { columnNames, datasetInfoSchema, parseDatasetInfo } from './datasetInfoSchema.ts';
import { defineCheck } from './defineCheck.ts';
import { errorMessage } from './errorMessage.ts';
import { isJsonObject, toJsonResult } from './jsonResult.ts';
import { clip, listNames, quote } from './messageText.ts';
import { missingActor } from './missingActor.ts';
import { parseModelRecords } from './modelRecordSchema.ts';
import { ownField } from './ownField.ts';
import type { DatasetInfo, JsonValue, ModelRecord, WorkflowInput } from './types.ts';

/**
 * What the `predictWithModel` actor resolves to: a small JSON summary of the
 * predictions, with the number of predicted rows and a preview of them. Other JSON
 * fields are allowed and kept.
 */
export interface PredictionResult {
  rowCount: number;
  preview: JsonValue;
  [key: string]: JsonValue;
}

/** What ML prediction knows at each step. */
export interface MlPredictionContext {
  /** The session's trained models, from `input.models` (the well-formed ones). */
  models: ModelRecord[];
  /** The chosen model, from `awaiting_data` on. */
  selectedModelId: string | null;
  /** The data to predict on, in `predicting`. */
  dataset: DatasetInfo | null;
  /** The predictions' summary, in `complete`. */
  result: PredictionResult | null;
  /** The message of the last failed prediction, until the next accepted step. */
  error: string | null;
}

/** The events a user sends to ML prediction. */
export type MlPredictionEvent =
  | { type: 'model.selected'; modelId: string }
  | { type: 'data.uploaded'; dataset: DatasetInfo }
  | { type: 'back' }
  | { type: 'cancel' };

/** What the `predictWithModel` actor receives. */
export interface PredictWithModelInput {
  model: ModelRecord;
  dataset: DatasetInfo;
}

/** Payload schemas of ML prediction's events, by event type. */
export const mlPredictionEvents = {
  'model.selected': z.object({
    type: z.literal('model.selected'),
    modelId: z.string().min(1).max(256),
  }),
  'data.uploaded': z.object({ type: z.literal('data.uploaded'), dataset: datasetInfoSchema }),
  back: z.object({ type: z.literal('back') }),
  cancel: z.object({ type: z.literal('cancel') }),
} satisfies Record<MlPredictionEvent['type'], z.ZodType>;

const trainFirst = 'There is no trained model yet: train one first, then predict with it.';
const modelFirst = 'Please choose a model first.';

function findModel(models: readonly ModelRecord[], modelId: unknown): ModelRecord | undefined {
  return typeof modelId === 'string'
    ? models.find((model) => model.modelId === modelId)
    : undefined;
}

function describeModels(models: readonly ModelRecord[]): string {
  return listNames(
    models.map((model) => `${model.modelId} (${model.modelType} of ${model.target})`),
  );
}

function modelProblem(context: MlPredictionContext, modelId: unknown): string | undefined {
  if (context.models.length === 0) return trainFirst;
  if (findModel(context.models, modelId) !== undefined) return undefined;
  const choices = `Choose one of: ${describeModels(context.models)}.`;
  if (typeof modelId !== 'string' || modelId === '') return `Please choose a model. ${choices}`;
  return `${quote(modelId)} is not one of your models. ${choices}`;
}

function datasetProblem(context: MlPredictionContext, value: unknown): string | undefined {
  const model = findModel(context.models, context.selectedModelId);
  if (model === undefined) return modelFirst;
  const needed = `a CSV or Excel file with at least one row and the columns ${listNames(model.features)}`;
  const dataset = parseDatasetInfo(value);
  if (dataset === undefined) return `Please upload data first: ${needed}.`;
  if (dataset.rowCount < 1) return `${clip(dataset.name)} has no rows. Please upload ${needed}.`;
  const present = new Set(columnNames(dataset));
  const missing = model.features.filter((feature) => !present.has(feature));
  if (missing.length > 0) {
    return `${clip(dataset.name)} lacks the model's feature columns ${listNames(missing)}. Please upload ${needed}.`;
  }
  return undefined;
}

/** The prediction summary, as plain JSON, or `undefined` when the output is not one. */
function toPredictionResult(output: unknown): PredictionResult | undefined {
  const json = toJsonResult(output);
  if (!isJsonObject(json)) return undefined;
  const rowCount = ownField(json, 'rowCount');
  if (typeof rowCount !== 'number' || !Number.isInteger(rowCount) || rowCount < 0) return undefined;
  if (!Object.hasOwn(json, 'preview')) return undefined;
  return json as PredictionResult;
}

const checks = {
  isKnownModel: defineCheck<MlPredictionContext>(
    (context, event) => modelProblem(context, ownField(event, 'modelId')),
    'Please choose one of your trained models.',
  ),
  coversModelFeatures: defineCheck<MlPredictionContext>(
    (context, event) => datasetProblem(context, ownField(event, 'dataset')),
    "Please upload data with the model's feature columns and at least one row.",
  ),
};

/**
 * Refusal messages of ML prediction's guards, by guard name: what is wrong with the
 * refused event and what would be accepted.
 */
export const mlPredictionRefusals = {
  isKnownModel: checks.isKnownModel.refusal,
  coversModelFeatures: checks.coversModelFeatures.refusal,
};

/**
 * ML prediction: choose one of the session's trained models (`input.models`), upload
 * data that has the model's feature columns, predict. Its output on `complete` is the
 * {@link PredictionResult} (`null` when cancelled). The predictor is the
 * `predictWithModel` actor, which the host provides; the default one rejects.
 *
 * @example
 * ```ts
 * const machine = mlPredictionMachine.provide({
 *   actors: { predictWithModel: fromPromise(async ({ input }) => ({ rowCount: 3, preview: [1, 2, 3] })) },
 * });
 * const actor = createActor(machine, { input: { models: exampleModels() } }).start();
 * actor.send({ type: 'model.selected', modelId: 'model-price' });
 * ```
 */
export const mlPredictionMachine = setup({
  types: {
    context: {} as MlPredictionContext,
    events: {} as MlPredictionEvent,
    input: {} as WorkflowInput | undefined,
    output: {} as PredictionResult | null,
  },
  guards: {
    isKnownModel: ({ context, event }) => checks.isKnownModel.passes(context, event),
    coversModelFeatures: ({ context, event }) => checks.coversModelFeatures.passes(context, event),
    isPredictionResult: ({ event }) => toPredictionResult(ownField(event, 'output')) !== undefined,
  },
  actions: {
    recordModelChoice: assign({
      selectedModelId: ({ context, event }) =>
        findModel(context.models, ownField(event, 'modelId'))?.modelId ?? null,
    }),
    recordDataset: assign({
      dataset: ({ event }) => parseDatasetInfo(ownField(event, 'dataset')) ?? null,
    }),
    recordResult: assign({
      result: ({ event }) => toPredictionResult(ownField(event, 'output')) ?? null,
    }),
    recordError: assign({ error: ({ event }) => errorMessage(ownField(event, 'error')) }),
    recordMalformedOutput: assign({
      error: 'The predictor finished without a JSON summary with rowCount and preview.',
    }),
    clearError: assign({ error: null }),
    forgetModelChoice: assign({ selectedModelId: null }),
    forgetDataset: assign({ dataset: null }),
  },
  actors: {
    predictWithModel: missingActor<PredictionResult, PredictWithModelInput>('predictWithModel'),
  },
}).createMachine({
  id: 'mlPrediction',
  description: "Predicts with one of the session's trained models on newly uploaded data.",
  meta: { version: 1 },
  initial: 'selecting_model',
  context: ({ input }) => ({
    models: parseModelRecords(input?.models),
    selectedModelId: null,
    dataset: null,
    result: null,
    error: null,
  }),
  output: ({ context }) => context.result,
  states: {
    selecting_model: {
      description: "Waits for the choice of one of the session's trained models.",
      meta: { prompt: 'Which model should predict? Choose one of your trained models.' },
      on: {
        'model.selected': {
          guard: 'isKnownModel',
          target: 'awaiting_data',
          actions: ['recordModelChoice', 'clearError'],
        },
        cancel: { target: 'cancelled', actions: 'clearError' },
      },
    },
    awaiting_data: {
      description: 'Waits for data with at least one row and every feature column of the model.',
      meta: {
        prompt: "Please upload a CSV or Excel file with the model's feature columns to predict on.",
      },
      on: {
        'data.uploaded': {
          guard: 'coversModelFeatures',
          target: 'predicting',
          actions: ['recordDataset', 'clearError'],
        },
        back: { target: 'selecting_model', actions: ['forgetModelChoice', 'clearError'] },
        cancel: { target: 'cancelled', actions: 'clearError' },
      },
    },
    predicting: {
      description: 'Runs the predictor; a failure returns to awaiting_data with the error.',
      meta: { prompt: 'Predicting. This can take a moment.' },
      invoke: {
        id: 'prediction',
        src: 'predictWithModel',
        input: ({ context }) => ({
          model: findModel(context.models, context.selectedModelId)!,
          dataset: context.dataset!,
        }),
        onDone: [
          { guard: 'isPredictionResult', target: 'complete', actions: 'recordResult' },
          { target: 'awaiting_data', actions: ['recordMalformedOutput', 'forgetDataset'] },
        ],
        onError: { target: 'awaiting_data', actions: ['recordError', 'forgetDataset'] },
      },
      on: {
        back: { target: 'awaiting_data', actions: ['forgetDataset', 'clearError'] },
        cancel: { target: 'cancelled', actions: 'clearError' },
      },
    },
    complete: {
      description: 'The predictions are done; the machine outputs their summary.',
      meta: { prompt: 'The predictions are ready.' },
      type: 'final',
    },
    cancelled: {
      description: 'The user cancelled the prediction.',
      meta: { prompt: 'Prediction was cancelled.' },
      type: 'final',
    },
  },
});
