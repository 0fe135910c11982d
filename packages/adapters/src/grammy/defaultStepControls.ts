import {
  analysisTypes,
  type DatasetInfo,
  explorationCommands,
  type ModelRecord,
  modelTypes,
} from '@chatflow/machines';
import type { WorkflowView } from '@chatflow/runtime';
import type { StepControls, WorkflowEventObject } from './types.ts';

/** Reads an own field of an unknown object (never through the prototype chain). */
function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, name)
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

/** The well-formed columns of the context's data set. */
function columnInfos(context: unknown): DatasetInfo['columns'] {
  const columns = field(field(context, 'dataset'), 'columns');
  if (!Array.isArray(columns)) return [];
  const infos: DatasetInfo['columns'][number][] = [];
  for (const column of columns as unknown[]) {
    const name = field(column, 'name');
    const type = field(column, 'type');
    if (typeof name === 'string' && typeof type === 'string') {
      infos.push({ name, type } as DatasetInfo['columns'][number]);
    }
  }
  return infos;
}

function columnsOf(context: unknown, type?: string): string[] {
  const names: string[] = [];
  for (const column of columnInfos(context)) {
    if (type === undefined || column.type === type) names.push(column.name);
  }
  return names;
}

/** The column named by `text`, matched case-insensitively, or the text itself. */
function columnNamed(columns: readonly string[], text: string): string {
  const wanted = text.trim().toLowerCase();
  return columns.find((column) => column.toLowerCase() === wanted) ?? text.trim();
}

/** Splits `a, b, c` into names; `all` stands for every column offered. */
function columnList(columns: readonly string[], text: string): string[] {
  if (text.trim().toLowerCase() === 'all') return [...columns];
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => columnNamed(columns, part));
}

function trainingControls(workflow: WorkflowView): StepControls | undefined {
  const { context } = workflow;
  switch (workflow.state) {
    case 'selecting_target': {
      const columns = columnsOf(context);
      return {
        choices: columns.map((column) => ({
          label: column,
          event: { type: 'target.selected', column },
        })),
        parseText: (text) => ({ type: 'target.selected', column: columnNamed(columns, text) }),
      };
    }
    case 'selecting_features': {
      const target = field(context, 'target');
      const columns = columnsOf(context).filter((column) => column !== target);
      return {
        multiSelect: {
          options: columns.map((column) => ({ label: column, value: column })),
          submit: (values) => ({ type: 'features.selected', columns: values }),
        },
        parseText: (text) => ({ type: 'features.selected', columns: columnList(columns, text) }),
      };
    }
    case 'confirming_model': {
      const target = columnInfos(context).find(
        (column) => column.name === field(context, 'target'),
      );
      const task = target?.type === 'number' ? 'regression' : 'classification';
      const suited = modelTypes.filter((modelType) => modelType.task === task);
      return {
        choices: suited.map((modelType) => ({
          label: modelType.label,
          event: { type: 'model.confirmed', modelType: modelType.id },
          aliases: [modelType.id],
        })),
        parseText: (text) => ({ type: 'model.confirmed', modelType: text.trim() }),
      };
    }
    default:
      return undefined;
  }
}

function predictionControls(workflow: WorkflowView): StepControls | undefined {
  if (workflow.state !== 'selecting_model') return undefined;
  const models = field(workflow.context, 'models');
  const records = (Array.isArray(models) ? (models as unknown[]) : []).filter(
    (model): model is ModelRecord => typeof field(model, 'modelId') === 'string',
  );
  return {
    choices: records.map((model) => ({
      label: `${model.modelType} → ${model.target}`,
      event: { type: 'model.selected', modelId: model.modelId },
      aliases: [model.modelId],
    })),
    parseText: (text) => ({ type: 'model.selected', modelId: text.trim() }),
  };
}

function analysisControls(workflow: WorkflowView): StepControls | undefined {
  const { context } = workflow;
  switch (workflow.state) {
    case 'selecting_analysis':
      return {
        choices: analysisTypes.map((analysis) => ({
          label: analysis.label,
          event: { type: 'analysis.selected', analysis: analysis.id },
          aliases: [analysis.id],
        })),
        parseText: (text) => ({ type: 'analysis.selected', analysis: text.trim() }),
      };
    case 'selecting_columns': {
      const columns = columnsOf(context, 'number');
      return {
        multiSelect: {
          options: columns.map((column) => ({ label: column, value: column })),
          submit: (values) => ({ type: 'columns.selected', columns: values }),
        },
        parseText: (text) => ({ type: 'columns.selected', columns: columnList(columns, text) }),
      };
    }
    default:
      return undefined;
  }
}

function explorationControls(workflow: WorkflowView): StepControls | undefined {
  if (workflow.state !== 'exploring') return undefined;
  const columns = columnsOf(workflow.context);
  const withoutColumn = explorationCommands.filter((command) => command.column === 'optional');
  return {
    choices: [
      ...withoutColumn.map((command) => ({
        label: command.label,
        event: { type: 'explore', command: command.id },
        aliases: [command.id],
      })),
      { label: 'Done', event: { type: 'done' } },
    ],
    // "histogram price", "value_counts city", "head"
    parseText: (text): WorkflowEventObject | undefined => {
      const [word = '', ...rest] = text.trim().split(/\s+/);
      const command = explorationCommands.find(
        (candidate) => candidate.id === word.toLowerCase().replace('-', '_'),
      );
      if (command === undefined) return undefined;
      const column = rest.join(' ');
      return column === ''
        ? { type: 'explore', command: command.id }
        : { type: 'explore', command: command.id, column: columnNamed(columns, column) };
    },
  };
}

/**
 * The controls of chatflow's four workflows: the data set's columns as buttons for
 * the target, a multi-select of the other columns for the features, the model types
 * that suit the target, the session's models for prediction, the analyses and the
 * numeric columns for stats, the exploration commands. Typed text is read too (a
 * column name, `price, rooms`, `all`, a model type id, `histogram price`). Other
 * workflows get no controls.
 *
 * @example
 * ```ts
 * createChatflowMiddleware({
 *   runtime,
 *   workflows,
 *   controls: (workflow) => myControls(workflow) ?? defaultStepControls(workflow),
 * });
 * ```
 */
export function defaultStepControls(workflow: WorkflowView): StepControls | undefined {
  switch (workflow.type) {
    case 'ml_training':
      return trainingControls(workflow);
    case 'ml_prediction':
      return predictionControls(workflow);
    case 'stats_analysis':
      return analysisControls(workflow);
    case 'data_exploration':
      return explorationControls(workflow);
    default:
      return undefined;
  }
}
