import type {
  DatasetInfo,
  PredictWithModelInput,
  RunAnalysisInput,
  RunExplorationInput,
  TrainModelInput,
  TrainModelOutput,
} from '@chatflow/machines';
import type { Runtime, SessionKey } from '@chatflow/runtime';
import { type Table, tableToIPC } from 'apache-arrow';
import { type AnyActorLogic, fromPromise } from 'xstate';
import { analyzeTable } from './analytics/analyzeTable.ts';
import { exploreTable } from './analytics/exploreTable.ts';
import { formatNumber } from './analytics/formatNumber.ts';
import { isSerializedModel, predict } from './analytics/predict.ts';
import type { ArtifactStore } from './artifactStore.ts';
import { tableToCsv } from './tableToCsv.ts';
import { type TrainingJob, type TrainingJobResult, trainInWorker } from './trainInWorker.ts';

/** Options of {@link createAnalyticsActors}. */
export interface AnalyticsActorsOptions {
  /** The runtime the actors run under (read lazily: the runtime is created with them). */
  runtime: () => Runtime;
  artifacts: ArtifactStore;
  /**
   * Trains a model; the default runs the training in a worker thread.
   * @default trainInWorker
   */
  train?: (job: TrainingJob, signal: AbortSignal) => Promise<TrainingJobResult & { ok: true }>;
  /**
   * Seed of every train/holdout split and forest, so the same choices on the same data
   * give the same model and scores.
   * @default 42
   */
  seed?: number;
}

/** The bot's implementations of the workflows' invoked work, by actor name. */
export interface AnalyticsActors extends Record<string, AnyActorLogic> {
  trainModel: AnyActorLogic;
  predictWithModel: AnyActorLogic;
  runAnalysis: AnyActorLogic;
  runExploration: AnyActorLogic;
}

/** What the trainer keeps in the artifact store under the model's id. */
export interface StoredModel {
  model: unknown;
  summary: string;
}

/**
 * Creates the invoked actors the workflows need (`trainModel`, `predictWithModel`,
 * `runAnalysis`, `runExploration`), done with the analytics core on the Arrow table of
 * the session the workflow belongs to. Trained models are stored (with the text of their
 * scores) in the artifact store under their id, so prediction works after a restart;
 * prediction files and histograms are stored there too, and the results in the
 * workflow's context name them by id.
 *
 * @example
 * ```ts
 * let runtime: Runtime;
 * const actors = createAnalyticsActors({ runtime: () => runtime, artifacts });
 * runtime = createRuntime({ workflows, store, actors });
 * ```
 */
export function createAnalyticsActors(options: AnalyticsActorsOptions): AnalyticsActors {
  const { artifacts } = options;
  const train = options.train ?? trainInWorker;
  const seed = options.seed ?? 42;

  const sessionOf = (self: unknown, system: unknown): SessionKey => {
    const runtime = options.runtime();
    const key = runtime.sessionOf(self) ?? runtime.sessionOf(system);
    if (!key) throw new Error('This work does not belong to a chat session.');
    return key;
  };

  /** The session's table, provided it is still the data set the step was started with. */
  const tableOf = async (key: SessionKey, dataset: DatasetInfo): Promise<Table> => {
    const runtime = options.runtime();
    const session = await runtime.getSession(key);
    const table = await runtime.getData(key);
    if (!table || session?.dataset?.id !== dataset.id) {
      throw new Error(
        `The data "${dataset.name}" is no longer loaded (a newer file replaced it). Please go back and upload it again.`,
      );
    }
    return table;
  };

  const trainModel = fromPromise<TrainModelOutput, TrainModelInput>(
    async ({ input, self, system, signal }) => {
      const key = sessionOf(self, system);
      const table = await tableOf(key, input.dataset);
      const result = await train(
        {
          ipc: tableToIPC(table),
          target: input.target,
          features: [...input.features],
          modelType: input.modelType,
          seed,
        },
        signal,
      );
      const stored: StoredModel = { model: result.model, summary: result.summary };
      await artifacts.saveModel(key.userId, result.modelId, stored);
      return { modelId: result.modelId, metrics: result.metrics };
    },
  );

  const predictWithModel = fromPromise<Record<string, unknown>, PredictWithModelInput>(
    async ({ input, self, system }) => {
      const key = sessionOf(self, system);
      const stored = (await artifacts.loadModel(key.userId, input.model.modelId)) as
        | StoredModel
        | undefined;
      if (!stored || !isSerializedModel(stored.model)) {
        throw new Error(
          `Model ${input.model.modelId} is no longer available (it was deleted); please train it again.`,
        );
      }
      const table = await tableOf(key, input.dataset);
      const result = predict({ model: stored.model, table });
      const fileName = `predictions-${input.model.modelId}.csv`;
      const outputId = await artifacts.saveOutput(key.userId, {
        name: fileName,
        bytes: new TextEncoder().encode(tableToCsv(result.table)),
      });
      const notes = result.warnings.filter((warning) => !result.preview.includes(warning));
      const text = [
        `Predicted ${input.model.target} for ${result.rowCount} rows of ${input.dataset.name} with model ${input.model.modelId}.`,
        describePredictions(result.predictions),
        '',
        result.preview,
        ...notes.map((note) => `Note: ${note}`),
        '',
        `All predictions are in ${fileName}.`,
      ].join('\n');
      return { rowCount: result.rowCount, preview: result.preview, text, outputId, fileName };
    },
  );

  const runAnalysis = fromPromise<Record<string, unknown>, RunAnalysisInput>(
    async ({ input, self, system }) => {
      const key = sessionOf(self, system);
      const table = await tableOf(key, input.dataset);
      const result = analyzeTable(table, { analysis: input.analysis, columns: input.columns });
      return { analysis: result.analysis, columns: result.columns, text: result.text };
    },
  );

  const runExploration = fromPromise<Record<string, unknown>, RunExplorationInput>(
    async ({ input, self, system }) => {
      const key = sessionOf(self, system);
      const table = await tableOf(key, input.dataset);
      const result = exploreTable(table, {
        command: input.command,
        ...(input.column === undefined ? {} : { column: input.column }),
      });
      const output: Record<string, unknown> = { text: result.text };
      if (result.png) {
        const name = `histogram-${safeName(result.column ?? 'data')}.png`;
        output.imageId = await artifacts.saveOutput(key.userId, { name, bytes: result.png });
      }
      return output;
    },
  );

  return { trainModel, predictWithModel, runAnalysis, runExploration };
}

/** One line on the predictions: the range of numbers, or the count of each class. */
function describePredictions(predictions: readonly (number | string)[]): string {
  const numbers = predictions.filter((value): value is number => typeof value === 'number');
  if (numbers.length === predictions.length && numbers.length > 0) {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let sum = 0;
    for (const value of numbers) {
      min = Math.min(min, value);
      max = Math.max(max, value);
      sum += value;
    }
    return `Predictions range from ${formatNumber(min)} to ${formatNumber(max)} (mean ${formatNumber(sum / numbers.length)}).`;
  }
  const counts = new Map<string, number>();
  for (const value of predictions) counts.set(String(value), (counts.get(String(value)) ?? 0) + 1);
  return `Predicted classes: ${[...counts].map(([label, count]) => `${label} ${count}`).join(', ')}.`;
}

/** A column name made safe for a file name. */
function safeName(name: string): string {
  return name.replace(/[^\p{L}\p{N}_-]+/gu, '_').slice(0, 60) || 'column';
}
