import {
  analysisTypes,
  type DataExplorationContext,
  type DatasetInfo,
  explorationCommands,
  type MlPredictionContext,
  type MlTrainingContext,
  type ModelRecord,
  modelTypes,
  type StatsAnalysisContext,
  workflows,
} from '@chatflow/machines';
import { formatNumber, formatPercent } from './analytics/formatNumber.ts';
import type { ArtifactStore } from './artifactStore.ts';
import type { Choice, Reply } from './types.ts';

/** A step of a workflow, as the runtime's session view and events show it. */
export interface StepView {
  /** The workflow type. */
  type: string;
  state: string;
  prompt: string;
  done: boolean;
  context: unknown;
}

/** What a step's description may draw on beside the step itself. */
export interface StepSurroundings {
  userId: string | number;
  /** The session's current data set. */
  dataset: DatasetInfo | null;
  /** The session's trained models. */
  models: readonly ModelRecord[];
  artifacts: ArtifactStore;
}

/** The value of the choice that feeds the session's current data set to a step. */
export const useLoadedData = 'use the loaded data';

/** The four workflows as menu choices. */
export const menuChoices: Choice[] = [
  { label: workflows.ml_training.label, value: '/train' },
  { label: workflows.ml_prediction.label, value: '/predict' },
  { label: workflows.stats_analysis.label, value: '/stats' },
  { label: workflows.data_exploration.label, value: '/explore' },
];

const typeWords: Record<string, string> = {
  number: 'number',
  string: 'text',
  boolean: 'yes/no',
  date: 'date',
};

/** `price (number), city (text)` */
export function describeColumns(dataset: DatasetInfo): string {
  return dataset.columns
    .map((column) => `${column.name} (${typeWords[column.type] ?? column.type})`)
    .join(', ');
}

/** `houses.csv: 300 rows, 7 columns` */
export function describeDataset(dataset: DatasetInfo): string {
  const rows = `${dataset.rowCount} row${dataset.rowCount === 1 ? '' : 's'}`;
  return `${dataset.name}: ${rows}, ${dataset.columns.length} columns`;
}

/** The holdout scores of a model in one line. */
export function describeMetrics(metrics: Record<string, number>): string {
  if (metrics.r2 !== undefined) {
    const parts = [`R² ${formatNumber(metrics.r2, { digits: 3 })}`];
    if (metrics.rmse !== undefined) parts.push(`RMSE ${formatNumber(metrics.rmse)}`);
    if (metrics.mae !== undefined) parts.push(`MAE ${formatNumber(metrics.mae)}`);
    return `${parts.join(', ')} on the holdout`;
  }
  if (metrics.accuracy !== undefined) {
    const baseline =
      metrics.baselineAccuracy === undefined
        ? ''
        : ` (always guessing the most frequent class: ${formatPercent(metrics.baselineAccuracy)})`;
    return `accuracy ${formatPercent(metrics.accuracy)} on the holdout${baseline}`;
  }
  return Object.entries(metrics)
    .map(([name, value]) => `${name} ${formatNumber(value)}`)
    .join(', ');
}

/** `random_forest_regression-1a2b3c4d: Random forest (regression) of price, R² 0.81 …` */
export function describeModel(model: ModelRecord): string {
  const label = modelTypes.find((type) => type.id === model.modelType)?.label ?? model.modelType;
  return `${model.modelId}: ${label} predicting ${model.target} from ${model.features.join(', ')}; ${describeMetrics(model.metrics)}`;
}

function modelTypeLabel(id: string | null): string {
  return modelTypes.find((type) => type.id === id)?.label.toLowerCase() ?? 'the model';
}

function columnChoices(names: readonly string[], dataset: DatasetInfo | null): Choice[] {
  return names.map((name) => {
    const type = dataset?.columns.find((column) => column.name === name)?.type;
    return { label: type ? `${name} (${typeWords[type] ?? type})` : name, value: name };
  });
}

function numericColumns(dataset: DatasetInfo | null): string[] {
  return (dataset?.columns ?? []).filter((c) => c.type === 'number').map((c) => c.name);
}

function withError(error: string | null | undefined, text: string): string {
  return error ? `That did not work: ${error}\n\n${text}` : text;
}

/** Offers the loaded data set as a choice in a step that waits for data. */
function awaitingData(
  prompt: string,
  surroundings: StepSurroundings,
  error: string | null | undefined,
  needed?: readonly string[],
): Reply {
  const { dataset } = surroundings;
  const fits =
    dataset !== null &&
    (needed ?? []).every((name) => dataset.columns.some((column) => column.name === name));
  if (dataset === null || !fits) return { text: withError(error, prompt) };
  return {
    text: withError(
      error,
      `${prompt}\nOr use the data you already loaded (${describeDataset(dataset)}).`,
    ),
    choices: [{ label: `Use ${dataset.name}`, value: useLoadedData }],
  };
}

function resultText(result: unknown): string {
  if (typeof result === 'object' && result !== null && 'text' in result) {
    const text = (result as { text: unknown }).text;
    if (typeof text === 'string') return text;
  }
  return JSON.stringify(result, null, 2);
}

function resultField(result: unknown, field: string): string | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const value = (result as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}

async function describeTraining(
  step: StepView,
  context: MlTrainingContext,
  surroundings: StepSurroundings,
): Promise<Reply[]> {
  const { dataset } = context;
  switch (step.state) {
    case 'awaiting_data':
      return [awaitingData(step.prompt, surroundings, context.error)];
    case 'selecting_target':
      return [
        {
          text: withError(
            context.error,
            `Training on ${dataset ? describeDataset(dataset) : 'your data'}.\n${step.prompt}`,
          ),
          choices: columnChoices(
            (dataset?.columns ?? []).map((column) => column.name),
            dataset,
          ),
        },
      ];
    case 'selecting_features': {
      const names = (dataset?.columns ?? [])
        .map((column) => column.name)
        .filter((name) => name !== context.target);
      return [
        {
          text: withError(context.error, `Target: ${context.target}.\n${step.prompt}`),
          choices: columnChoices(names, dataset),
          multiple: true,
        },
      ];
    }
    case 'confirming_model': {
      const targetType = dataset?.columns.find((column) => column.name === context.target)?.type;
      const task = targetType === 'number' ? 'regression' : 'classification';
      const suited = modelTypes.filter((type) => type.task === task);
      const kind =
        task === 'regression'
          ? `the numeric target ${context.target}`
          : `the ${typeWords[targetType ?? 'string'] ?? 'text'} target ${context.target}`;
      return [
        {
          text: withError(
            context.error,
            `Predicting ${context.target} from ${context.features.join(', ')}.\nWhich model? These suit ${kind} (${task}):`,
          ),
          choices: suited.map((type) => ({ label: type.label, value: type.id })),
        },
      ];
    }
    case 'training': {
      const rows = dataset ? `${dataset.rowCount} rows` : 'your data';
      return [{ text: `Training ${modelTypeLabel(context.modelType)} on ${rows}…` }];
    }
    case 'complete': {
      const model = context.model;
      if (model === null) return [{ text: step.prompt, choices: menuChoices }];
      const stored = (await surroundings.artifacts.loadModel(surroundings.userId, model.modelId)) as
        | { summary?: unknown }
        | undefined;
      const summary =
        typeof stored?.summary === 'string'
          ? stored.summary
          : `Model ${model.modelId}: ${describeMetrics(model.metrics)}.`;
      return [
        {
          text: `${summary}\n\nSaved as model ${model.modelId}. Choose "Predict with a model" to use it.`,
          choices: menuChoices,
        },
      ];
    }
    default:
      return [{ text: step.prompt, choices: menuChoices }];
  }
}

async function describePrediction(
  step: StepView,
  context: MlPredictionContext,
  surroundings: StepSurroundings,
): Promise<Reply[]> {
  const model = context.models.find((candidate) => candidate.modelId === context.selectedModelId);
  switch (step.state) {
    case 'selecting_model':
      if (context.models.length === 0) {
        return [
          {
            text: 'You have no trained model yet: train one first, then predict with it.',
            choices: menuChoices,
          },
        ];
      }
      return [
        {
          text: withError(context.error, step.prompt),
          choices: context.models.map((candidate) => ({
            label: describeModel(candidate),
            value: candidate.modelId,
          })),
        },
      ];
    case 'awaiting_data':
      return [
        awaitingData(
          model
            ? `${step.prompt}\nModel ${model.modelId} needs the columns ${model.features.join(', ')}.`
            : step.prompt,
          surroundings,
          context.error,
          model?.features ?? [],
        ),
      ];
    case 'predicting': {
      const rows = context.dataset ? `${context.dataset.rowCount} rows` : 'your data';
      return [{ text: `Predicting ${model?.target ?? 'the target'} for ${rows}…` }];
    }
    case 'complete': {
      const reply: Reply = { text: resultText(context.result), choices: menuChoices };
      const outputId = resultField(context.result, 'outputId');
      if (outputId !== undefined) {
        const file = await surroundings.artifacts.loadOutput(surroundings.userId, outputId);
        if (file) reply.file = file;
      }
      return [reply];
    }
    default:
      return [{ text: step.prompt, choices: menuChoices }];
  }
}

function describeAnalysis(
  step: StepView,
  context: StatsAnalysisContext,
  surroundings: StepSurroundings,
): Reply[] {
  const analysis = analysisTypes.find((type) => type.id === context.analysis);
  switch (step.state) {
    case 'awaiting_data':
      return [awaitingData(step.prompt, surroundings, context.error)];
    case 'selecting_analysis': {
      const numeric = numericColumns(context.dataset).length;
      return [
        {
          text: withError(
            context.error,
            `Analysing ${context.dataset ? describeDataset(context.dataset) : 'your data'} (${numeric} numeric columns).\nWhich analysis?`,
          ),
          choices: analysisTypes
            .filter((type) => type.minColumns <= numeric)
            .map((type) => ({ label: type.label, value: type.id })),
        },
      ];
    }
    case 'selecting_columns': {
      const count =
        analysis === undefined
          ? 'the numeric columns'
          : analysis.maxColumns === analysis.minColumns
            ? `${analysis.minColumns} numeric columns`
            : `${analysis.minColumns} or more numeric columns`;
      const order =
        analysis?.id === 'linear_regression'
          ? ' (first the explanatory column, then the one it explains)'
          : '';
      return [
        {
          text: withError(
            context.error,
            `${analysis?.label ?? 'Analysis'}: choose ${count}${order}.`,
          ),
          choices: columnChoices(numericColumns(context.dataset), context.dataset),
          multiple: analysis?.maxColumns !== 1,
        },
      ];
    }
    case 'running':
      return [
        {
          text: `Running ${analysis?.label.toLowerCase() ?? 'the analysis'} on ${context.columns.join(', ')}…`,
        },
      ];
    case 'complete':
      return [{ text: resultText(context.result), choices: menuChoices }];
    default:
      return [{ text: step.prompt, choices: menuChoices }];
  }
}

/** What each exploration command looks at, for the line shown while it runs. */
const runningWords: Record<string, string> = {
  schema: 'the columns',
  head: 'the first rows',
  summary: 'a summary',
  missing: 'the missing values',
  value_counts: 'the values',
  histogram: 'the distribution',
};

/** The exploration commands as choices. */
export function explorationChoices(): Choice[] {
  return [
    ...explorationCommands.map((command) => ({ label: command.label, value: command.id })),
    { label: 'Done exploring', value: 'done' },
  ];
}

async function describeExploration(
  step: StepView,
  context: DataExplorationContext,
  surroundings: StepSurroundings,
): Promise<Reply[]> {
  switch (step.state) {
    case 'awaiting_data':
      return [awaitingData(step.prompt, surroundings, context.error)];
    case 'exploring': {
      const replies: Reply[] = [];
      if (context.error) {
        replies.push({ text: `That did not work: ${context.error}` });
      } else if (context.result) {
        const reply: Reply = { text: resultText(context.result.output) };
        const imageId = resultField(context.result.output, 'imageId');
        if (imageId !== undefined) {
          const image = await surroundings.artifacts.loadOutput(surroundings.userId, imageId);
          if (image) reply.image = image;
        }
        replies.push(reply);
      } else if (context.dataset) {
        replies.push({
          text: `Exploring ${describeDataset(context.dataset)}.\nColumns: ${describeColumns(context.dataset)}.`,
        });
      }
      replies.push({
        text: 'What would you like to see next?',
        choices: explorationChoices(),
      });
      return replies;
    }
    case 'running': {
      const what = runningWords[context.command ?? ''] ?? 'the data';
      const of = context.column ? ` of ${context.column}` : '';
      return [{ text: `Looking at ${what}${of}…` }];
    }
    default:
      return [{ text: step.prompt, choices: menuChoices }];
  }
}

/**
 * Describes a workflow step for the user: the step's question with what the user needs
 * to answer it (the columns, the suited model types, the session's models) as choices,
 * the error of a failed attempt, and results (training scores, predictions with their
 * CSV file, an analysis, an exploration with its histogram) once they are in.
 *
 * @example
 * ```ts
 * const replies = await describeStep(session.workflow, { userId, dataset, models, artifacts });
 * ```
 */
export async function describeStep(
  step: StepView,
  surroundings: StepSurroundings,
): Promise<Reply[]> {
  switch (step.type) {
    case 'ml_training':
      return describeTraining(step, step.context as MlTrainingContext, surroundings);
    case 'ml_prediction':
      return describePrediction(step, step.context as MlPredictionContext, surroundings);
    case 'stats_analysis':
      return describeAnalysis(step, step.context as StatsAnalysisContext, surroundings);
    case 'data_exploration':
      return describeExploration(step, step.context as DataExplorationContext, surroundings);
    default:
      return [{ text: step.prompt }];
  }
}
