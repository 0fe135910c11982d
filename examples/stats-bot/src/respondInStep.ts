import {
  analysisTypes,
  type DataExplorationContext,
  type DatasetInfo,
  explorationCommands,
  type MlTrainingContext,
  type ModelRecord,
  modelTypes,
  type StatsAnalysisContext,
  type WorkflowType,
} from '@chatflow/machines';
import type { SessionView } from '@chatflow/runtime';
import { useLoadedData } from './describeStep.ts';
import { findColumnName, findColumnsIn, readColumnList } from './matchColumns.ts';
import { type ExploreCommand, type Intent, parseIntent } from './parseIntent.ts';
import type { Reply } from './types.ts';

/** One thing to do to the session's workflow, in order. */
export type StepAction =
  | { kind: 'start'; workflow: WorkflowType }
  | { kind: 'send'; event: { type: string; [field: string]: unknown } }
  /** A line for the user before the outcome. */
  | { kind: 'note'; text: string }
  /** Ask the user this instead of describing the step reached. */
  | { kind: 'ask'; reply: Reply };

/** What the user asked for in a workflow, kept in the history to resolve follow-ups. */
export interface RecordedAction {
  workflow: WorkflowType;
  analysis?: string;
  command?: string;
  column?: string;
  columns?: string[];
}

/** A message read against the session: what to do, or what to say. */
export interface StepResponse {
  actions: StepAction[];
  /** Replies when there is nothing to do. */
  replies?: Reply[];
  /** Said with the current step's choices when the message did not fit the step. */
  explain?: string;
  /** The workflow action to remember for follow-ups ("what about rooms?"). */
  action?: RecordedAction;
}

/** What {@link respondInStep} reads. */
export interface StepInput {
  session: SessionView;
  text: string;
  /** How the text reads on its own (see `parseIntent`). */
  intent: Intent;
  /** The values the text picked among the choices the bot last offered. */
  picked?: string[];
  /** The latest recorded workflow action of the chat. */
  lastAction: () => Promise<RecordedAction | undefined>;
}

const refersToData = /\b(it|this|that|same|loaded|current|existing|previous|my data|the data)\b/i;
const wantsDone = /^(done|finish(ed)?|that'?s all|enough|stop exploring|no more)\b/i;
const wantsAgain = /\b(again|repeat|once more|redo)\b/i;

function activeWorkflow(session: SessionView) {
  const workflow = session.workflow;
  return workflow && !workflow.done ? workflow : undefined;
}

function columnNames(dataset: DatasetInfo | null | undefined): string[] {
  return (dataset?.columns ?? []).map((column) => column.name);
}

function numericNames(dataset: DatasetInfo | null | undefined): string[] {
  return (dataset?.columns ?? []).filter((c) => c.type === 'number').map((c) => c.name);
}

const send = (type: string, fields: Record<string, unknown> = {}): StepAction => ({
  kind: 'send',
  event: { type, ...fields },
});

const upload = (dataset: DatasetInfo): StepAction => send('data.uploaded', { dataset });

/** Reads a model type from words: its id or label, or "forest", "logistic", "linear". */
export function matchModelType(
  text: string,
  task: 'regression' | 'classification',
): string | undefined {
  const lower = text.trim().toLowerCase();
  const exact = modelTypes.find((type) => type.id === lower || type.label.toLowerCase() === lower);
  if (exact) return exact.id;
  if (/forest|\brf\b|trees?\b|ensemble/.test(lower)) {
    return task === 'regression' ? 'random_forest_regression' : 'random_forest_classification';
  }
  if (/logistic|logit/.test(lower)) return 'logistic_regression';
  if (/linear|\bols\b|least squares/.test(lower)) return 'linear_regression';
  return undefined;
}

/** Reads one of the session's models from words: its id, "latest", or a unique target or type. */
export function matchModel(text: string, models: readonly ModelRecord[]): string | undefined {
  const lower = text.trim().toLowerCase();
  const exact = models.find((model) => model.modelId.toLowerCase() === lower);
  if (exact) return exact.modelId;
  if (/\b(latest|last|newest|recent)\b/.test(lower)) return models.at(-1)?.modelId;
  const byTarget = models.filter((model) => lower.includes(model.target.toLowerCase()));
  if (byTarget.length >= 1) return byTarget.at(-1)?.modelId;
  return undefined;
}

/** Reads an analysis from words: its id or label, or a cue ("correlation", "t-test"). */
export function matchAnalysis(text: string): string | undefined {
  const lower = text.trim().toLowerCase();
  const exact = analysisTypes.find(
    (type) => type.id === lower || type.label.toLowerCase() === lower,
  );
  if (exact) return exact.id;
  const intent = parseIntent(text);
  return intent.kind === 'workflow' ? intent.analysis : undefined;
}

/** Reads an exploration command from words: its id or label, or a cue ("histogram"). */
export function matchExploreCommand(text: string): ExploreCommand | undefined {
  const lower = text.trim().toLowerCase();
  const byId = explorationCommands.find(
    (command) =>
      lower === command.id ||
      lower.startsWith(`${command.id} `) ||
      lower === command.label.toLowerCase(),
  );
  if (byId) return byId.id;
  const intent = parseIntent(text);
  return intent.kind === 'workflow' ? intent.explore : undefined;
}

/**
 * The actions that run an exploration command, asking for the column first when the
 * command needs one and the text names none.
 */
function exploreActions(
  command: ExploreCommand,
  text: string,
  dataset: DatasetInfo,
): { actions: StepAction[]; action: RecordedAction } {
  const rule = explorationCommands.find((candidate) => candidate.id === command)?.column;
  const candidates = rule === 'numeric' ? numericNames(dataset) : columnNames(dataset);
  const afterCommand = text.replace(new RegExp(`^\\s*${command}\\b`, 'i'), '');
  const column =
    findColumnsIn(afterCommand, candidates)[0] ?? findColumnName(afterCommand, candidates);
  const action: RecordedAction = { workflow: 'data_exploration', command };
  if (column !== undefined) {
    action.column = column;
    return { actions: [send('explore', { command, column })], action };
  }
  if (rule === 'optional') return { actions: [send('explore', { command })], action };
  const label = explorationCommands.find((candidate) => candidate.id === command)?.label ?? command;
  return {
    actions: [
      {
        kind: 'ask',
        reply: {
          text: `${label}: which ${rule === 'numeric' ? 'numeric ' : ''}column?`,
          choices: candidates.map((name) => ({ label: name, value: `${command} ${name}` })),
        },
      },
    ],
    action,
  };
}

/** The actions that select an analysis and, when the text or the past names fitting columns, them. */
function analysisActions(
  analysis: string,
  text: string,
  dataset: DatasetInfo,
  previousColumns: readonly string[] | undefined,
): { actions: StepAction[]; action: RecordedAction } {
  const type = analysisTypes.find((candidate) => candidate.id === analysis);
  const numeric = numericNames(dataset);
  const mentioned = findColumnsIn(text, numeric);
  const fits = (columns: readonly string[]): boolean =>
    type !== undefined &&
    columns.length >= type.minColumns &&
    (type.maxColumns === null || columns.length <= type.maxColumns) &&
    columns.every((column) => numeric.includes(column));
  const columns = fits(mentioned)
    ? mentioned
    : mentioned.length === 0 && previousColumns && fits(previousColumns)
      ? [...previousColumns]
      : undefined;
  const actions = [send('analysis.selected', { analysis })];
  const action: RecordedAction = { workflow: 'stats_analysis', analysis };
  if (columns) {
    actions.push(send('columns.selected', { columns }));
    action.columns = columns;
  }
  return { actions, action };
}

/**
 * An answer the step recognizes in the text even when the text also reads as a request
 * in words: "linear regression" when choosing a model type is the model, not the
 * statistical analysis.
 */
function strongAnswer(
  type: string,
  state: string,
  context: unknown,
  text: string,
  models: readonly ModelRecord[],
): string | undefined {
  switch (`${type}.${state}`) {
    case 'ml_training.confirming_model': {
      const { dataset, target } = context as MlTrainingContext;
      const targetType = dataset?.columns.find((c) => c.name === target)?.type;
      return matchModelType(text, targetType === 'number' ? 'regression' : 'classification');
    }
    case 'ml_prediction.selecting_model':
      return matchModel(text, models);
    case 'stats_analysis.selecting_analysis':
      return matchAnalysis(text);
    default:
      return undefined;
  }
}

/** Reads text (or a pick) as the answer to the active step; `undefined` when it is not one. */
function answerStep(input: StepInput): StepResponse | undefined {
  const { session, text, intent, picked } = input;
  const active = activeWorkflow(session);
  if (!active) return undefined;
  const value = picked?.[0] ?? text;
  const isAnswer = picked !== undefined || intent.kind === 'text';
  const dataset = session.dataset;

  if (active.state === 'awaiting_data') {
    const wantsLoaded =
      value === useLoadedData ||
      refersToData.test(value) ||
      (dataset !== null && value.trim().toLowerCase() === dataset.name.toLowerCase());
    if (dataset && wantsLoaded) {
      return { actions: [upload(dataset)], action: { workflow: active.type as WorkflowType } };
    }
    if (!isAnswer) return undefined;
    return {
      actions: [],
      explain: dataset
        ? `I need data for this step: send a file, or say "use it" to take ${dataset.name}.`
        : 'I need data for this step: please send a CSV or Excel file.',
    };
  }

  if (active.type === 'data_exploration' && active.state === 'exploring') {
    const context = active.context as DataExplorationContext;
    if (wantsDone.test(value)) return { actions: [send('done')] };
    const command = matchExploreCommand(value);
    if (command && context.dataset) {
      const { actions, action } = exploreActions(command, value, context.dataset);
      return { actions, action };
    }
    return undefined;
  }

  const strong = strongAnswer(active.type, active.state, active.context, text, session.models);
  if (!isAnswer && strong === undefined) return undefined;
  switch (`${active.type}.${active.state}`) {
    case 'ml_training.selecting_target': {
      const context = active.context as MlTrainingContext;
      const column = picked?.[0] ?? findColumnName(text, columnNames(context.dataset)) ?? text;
      return { actions: [send('target.selected', { column })] };
    }
    case 'ml_training.selecting_features': {
      const context = active.context as MlTrainingContext;
      const names = columnNames(context.dataset).filter((name) => name !== context.target);
      const columns = picked ?? (/^all$/i.test(text.trim()) ? names : readColumnList(text, names));
      return { actions: [send('features.selected', { columns })] };
    }
    case 'ml_training.confirming_model': {
      const context = active.context as MlTrainingContext;
      const targetType = context.dataset?.columns.find((c) => c.name === context.target)?.type;
      const task = targetType === 'number' ? 'regression' : 'classification';
      const modelType = picked?.[0] ?? strong ?? matchModelType(text, task) ?? text.trim();
      return {
        actions: [send('model.confirmed', { modelType })],
        action: { workflow: 'ml_training' },
      };
    }
    case 'ml_prediction.selecting_model': {
      const modelId = picked?.[0] ?? strong ?? matchModel(text, session.models) ?? text.trim();
      return { actions: [send('model.selected', { modelId })] };
    }
    case 'stats_analysis.selecting_analysis': {
      const context = active.context as StatsAnalysisContext;
      const analysis = picked?.[0] ?? strong ?? matchAnalysis(text) ?? text.trim();
      if (!context.dataset) return { actions: [send('analysis.selected', { analysis })] };
      const { actions, action } = analysisActions(analysis, '', context.dataset, undefined);
      return { actions, action };
    }
    case 'stats_analysis.selecting_columns': {
      const context = active.context as StatsAnalysisContext;
      const columns = picked ?? readColumnList(text, columnNames(context.dataset));
      const action: RecordedAction = { workflow: 'stats_analysis', columns };
      if (context.analysis) action.analysis = context.analysis;
      return { actions: [send('columns.selected', { columns })], action };
    }
    default:
      if (
        active.state === 'training' ||
        active.state === 'predicting' ||
        active.state === 'running'
      ) {
        return {
          actions: [],
          replies: [
            {
              text: 'I am still working on it; I will tell you when it is done. /cancel stops it.',
            },
          ],
        };
      }
      return undefined;
  }
}

/** Starts (or continues) the workflow asked for in words, feeding it the loaded data when referred to. */
async function requestWorkflow(
  input: StepInput,
  intent: Intent & { kind: 'workflow' },
): Promise<StepResponse> {
  const { session, text } = input;
  const active = activeWorkflow(session);
  const dataset = session.dataset;
  const specific = intent.analysis !== undefined || intent.explore !== undefined;
  const needsData = intent.workflow !== 'ml_prediction';
  const feed = needsData && dataset !== null;
  const previous = await input.lastAction();
  const previousColumns = previous?.workflow === 'stats_analysis' ? previous.columns : undefined;

  const followOn = (): { actions: StepAction[]; action: RecordedAction } => {
    if (dataset && intent.analysis) {
      return analysisActions(intent.analysis, text, dataset, previousColumns);
    }
    if (dataset && intent.explore) return exploreActions(intent.explore, text, dataset);
    return { actions: [], action: { workflow: intent.workflow } };
  };

  if (active?.type === intent.workflow && dataset) {
    if (active.state === 'selecting_analysis' && intent.analysis) return followOn();
    if (active.state === 'exploring' && intent.explore) return followOn();
    if (active.state === 'awaiting_data' && feed) {
      const rest = followOn();
      return { actions: [upload(dataset), ...rest.actions], action: rest.action };
    }
  }
  const actions: StepAction[] = [{ kind: 'start', workflow: intent.workflow }];
  if (needsData && dataset === null && (intent.refersToData || specific)) {
    actions.unshift({ kind: 'note', text: 'There is no data loaded yet; send a file first.' });
  }
  if (!feed || !dataset) return { actions, action: { workflow: intent.workflow } };
  const rest = followOn();
  const using: StepAction = {
    kind: 'note',
    text: `Using ${dataset.name} (send another file to use that instead).`,
  };
  return { actions: [...actions, using, upload(dataset), ...rest.actions], action: rest.action };
}

/** Reads a follow-up on the last action: "what about rooms?", "again". */
async function followUp(input: StepInput): Promise<StepResponse | undefined> {
  const { session, text } = input;
  const dataset = session.dataset;
  if (!dataset) return undefined;
  const last = await input.lastAction();
  if (!last) return undefined;
  const mentioned = findColumnsIn(text, columnNames(dataset));
  if (mentioned.length === 0 && !wantsAgain.test(text)) return undefined;
  const active = activeWorkflow(session);

  if (last.workflow === 'data_exploration' && last.command) {
    const command = last.command as ExploreCommand;
    const column = mentioned[0] ?? last.column;
    const { actions, action } = exploreActions(command, column ?? '', dataset);
    if (active?.type === 'data_exploration' && active.state === 'exploring') {
      return { actions, action };
    }
    return {
      actions: [{ kind: 'start', workflow: 'data_exploration' }, upload(dataset), ...actions],
      action,
    };
  }
  if (last.workflow === 'stats_analysis' && last.analysis) {
    const { actions, action } = analysisActions(
      last.analysis,
      mentioned.length > 0 ? mentioned.join(', ') : '',
      dataset,
      mentioned.length > 0 ? undefined : last.columns,
    );
    return {
      actions: [{ kind: 'start', workflow: 'stats_analysis' }, upload(dataset), ...actions],
      action,
    };
  }
  return undefined;
}

/**
 * Reads a message that is not a command against the session: as the answer to the
 * current step (a column, columns, a model type, a model, an analysis, an exploration
 * command, "use it" for the loaded data), as a workflow asked for in words that may
 * refer back to the loaded data ("train a model on it", "what about correlation?"), or
 * as a follow-up on the last action ("what about rooms?", "again"). Returns the
 * workflow actions to take, or what to say.
 *
 * @example
 * ```ts
 * const response = await respondInStep({ session, text: 'what about correlation?', intent, lastAction });
 * // actions: start stats_analysis, data.uploaded with the session's data set, analysis.selected correlation
 * ```
 */
export async function respondInStep(input: StepInput): Promise<StepResponse> {
  const answer = answerStep(input);
  if (answer) return answer;
  if (input.intent.kind === 'workflow') return requestWorkflow(input, input.intent);
  const follow = await followUp(input);
  if (follow) return follow;
  const active = activeWorkflow(input.session);
  if (active) {
    return { actions: [], explain: `I did not understand "${input.text}" at this step.` };
  }
  return {
    actions: [],
    replies: [
      {
        text: `I did not understand "${input.text}". Pick what you would like to do, or type /help.`,
      },
    ],
  };
}
